// Watching SIGINT, SIGTERM and friends as an async sequence, with no window in which a signal
// is lost: the handler is installed synchronously (sigaction) and writes each signal's number to
// a pipe that the reactor reads. Dispatch signal sources need SIG_IGN first and register
// asynchronously; a signal arriving in between is discarded, which is how an early SIGTERM to a
// harness was seen to go unnoticed.

internal import CProcessControl
import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Receives signals as an async sequence until stopped; then the previous dispositions return.
/// One watcher at a time per process.
public final class SignalWatcher: Sendable {
    private struct Installed: @unchecked Sendable {
        var saved: [(Int32, cpc_saved_action)]
        var writeDescriptor: Int32
    }

    private static let active = Atomic<Bool>(false)
    private let installed: Mutex<Installed?>
    private let reader: PipeReader

    /// Starts watching `signals`: from now on they no longer have their previous effect.
    ///
    /// - Throws: `invalidArgument` when another watcher is active, `ioFailed` when the signal
    ///   pipe cannot be made. (sigaction fails only for a signal that cannot be caught, such as
    ///   SIGKILL: a precondition.)
    public init(_ signals: [Signal]) throws(ProcessControlError) {
        guard !SignalWatcher.active.exchange(true, ordering: .acquiringAndReleasing) else {
            throw ProcessControlError(
                code: .invalidArgument,
                message: "another SignalWatcher is active in this process"
            )
        }
        var ends: [Int32] = [-1, -1]
        let result = cpc_pipe(&ends)
        if result != 0 {
            SignalWatcher.active.store(false, ordering: .releasing)
            throw ProcessControlError(
                code: .ioFailed,
                message: "cannot create the signal pipe",
                underlyingError: Errno(rawValue: result)
            )
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        cpc_signal_pipe_set(ends[1])
        var saved: [(Int32, cpc_saved_action)] = []
        for signal in signals {
            var previous = cpc_saved_action()
            let status = cpc_signal_watch(signal.rawValue, &previous)
            precondition(status == 0, "sigaction(\(signal)) failed: errno \(status)")
            saved.append((signal.rawValue, previous))
        }
        // Handlers run even where every thread blocks the signals (a relaunched namespace init
        // starts that way, so no signal is dropped before this point): a thread of ours keeps
        // them unblocked, and pending ones are delivered now.
        let delivery = cpc_signal_delivery_thread_start()
        precondition(delivery == 0, "cannot start the signal delivery thread: errno \(delivery)")
        // The reactor must exist before a signal can be read (it also ignores SIGPIPE).
        _ = Reactor.shared
        reader = PipeReader(descriptor: ends[0])
        installed = Mutex(Installed(saved: saved, writeDescriptor: ends[1]))
    }

    deinit {
        stop()
    }

    /// The signals received, in order. Ends when the watcher stops.
    public var signals: AsyncStream<Signal> {
        let reader = self.reader
        return AsyncStream { continuation in
            let task = Task {
                // Bounded by the pipe: each turn consumes at least one byte or ends.
                while true {
                    guard let bytes = try? await reader.read(upTo: 64), !bytes.isEmpty else {
                        break
                    }
                    for byte in bytes {
                        continuation.yield(Signal(rawValue: Int32(byte)))
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Restores the previous dispositions and ends `signals`. Safe to call twice.
    public func stop() {
        guard
            let taken = installed.withLock({ state in
                defer { state = nil }
                return state
            })
        else { return }
        for (number, previous) in taken.saved {
            var action = previous
            _ = cpc_signal_restore(number, &action)
        }
        cpc_signal_pipe_set(-1)
        _ = close(taken.writeDescriptor)
        reader.close()
        SignalWatcher.active.store(false, ordering: .releasing)
    }
}
