// SignalWatcher: signals sent to this process arrive through the async sequence, and the
// previous disposition is back after stop(). Each signal is sent once the previous one has
// arrived: two pending signals of the same number merge into one (POSIX).

import Foundation
import ProcessControl
import Testing

extension ProcessControlTests {
    @Suite struct SignalWatcherTests {
        @Test(.timeLimit(.minutes(1)))
        func signalsArriveAndDispositionsReturn() async throws {
            let previous = signal(SIGUSR2, SIG_IGN)
            defer { signal(SIGUSR2, previous) }
            let windowChange = Signal(rawValue: SIGWINCH)
            let watcher = try SignalWatcher([windowChange, .user2])
            var received = watcher.signals.makeAsyncIterator()
            for expected in [windowChange, .user2, windowChange] {
                kill(getpid(), expected.rawValue)
                #expect(await received.next() == expected)
            }
            #expect(throws: ProcessControlError.self) { _ = try SignalWatcher([windowChange]) }
            watcher.stop()
            #expect(await received.next() == nil)
            // SIGUSR2 is ignored again, as before the watcher.
            var current = sigaction()
            sigaction(SIGUSR2, nil, &current)
            let handler = unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self)
            #expect(handler == unsafeBitCast(SIG_IGN, to: Int.self))
        }
    }
}
