// Opt-in SIGINT/SIGTERM handling for the program that owns the process: while a supervisor runs
// with `handlingTerminationSignals`, the first such signal shuts it down gracefully and the
// second brutally. ProcessControl's SignalWatcher installs the handlers synchronously, so a
// signal that arrives while the supervisor starts is never lost; the previous dispositions are
// restored when the supervisor stops.

import ProcessControl

final class TerminationSignalWatcher: Sendable {
    private let watcher: SignalWatcher?
    private let task: Task<Void, Never>?

    init(_ supervisor: Supervisor, watcher given: SignalWatcher? = nil) {
        // Only one watcher per process: a nested supervisor asking too leaves it to the first.
        watcher =
            given
            ?? (try? SignalWatcher([
                ProcessControl.Signal.interrupt, ProcessControl.Signal.terminate,
            ]))
        guard let signals = watcher?.signals else {
            task = nil
            return
        }
        task = Task {
            var received = 0
            for await signal in signals {
                received += 1
                supervisor.hub.emit(supervisor.path, .signalReceived(signal))
                supervisor.shutdown(signal: signal, brutally: received >= 2)
            }
        }
    }

    /// Stops watching and restores the previous dispositions.
    func stop() {
        watcher?.stop()
        task?.cancel()
    }
}
