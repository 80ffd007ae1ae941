// Opt-in SIGINT/SIGTERM handling for the program that owns the process: while a supervisor runs
// with `handlingTerminationSignals`, the first such signal shuts it down gracefully and the
// second brutally. The signals are set to "ignore" and observed through Dispatch signal sources;
// the previous dispositions are restored when the supervisor stops.

import Dispatch
import Glibc
import ProcessControl
import Synchronization

final class TerminationSignalWatcher: Sendable {
    private struct Installed: @unchecked Sendable {
        // DispatchSource objects are thread-safe; only start, cancel and deinit touch them.
        let sources: [any DispatchSourceSignal]
        let previous: [(Int32, __sighandler_t?)]
    }

    private let installed: Mutex<Installed?>

    init(_ supervisor: Supervisor) {
        let received = Atomic<Int>(0)
        let queue = DispatchQueue(label: "supervision.signals")
        var sources: [any DispatchSourceSignal] = []
        var previous: [(Int32, __sighandler_t?)] = []
        for signal in [Signal.interrupt, Signal.terminate] {
            previous.append((signal.rawValue, Glibc.signal(signal.rawValue, SIG_IGN)))
            let source = DispatchSource.makeSignalSource(signal: signal.rawValue, queue: queue)
            source.setEventHandler {
                let count = received.add(1, ordering: .relaxed).newValue
                supervisor.shutdown(signal: signal, brutally: count >= 2)
            }
            source.resume()
            sources.append(source)
        }
        installed = Mutex(Installed(sources: sources, previous: previous))
    }

    /// Stops watching and restores the previous dispositions.
    func stop() {
        guard
            let installed = installed.withLock({ state in
                defer { state = nil }
                return state
            })
        else { return }
        for source in installed.sources { source.cancel() }
        for (number, handler) in installed.previous { Glibc.signal(number, handler) }
    }
}
