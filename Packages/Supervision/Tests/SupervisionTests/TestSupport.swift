// Test support for the supervision tests: an event log that records a tree's lifecycle events
// and waits for conditions on them, a gate that lets a test make a task child crash or return
// at a moment of its choosing, and small process helpers. Nothing here fakes the supervisor:
// tests run real tasks and real OS processes.

import Glibc
import ProcessControl
import Supervision
import Synchronization
import Testing

struct Crash: Error, CustomStringConvertible {
    let id: String
    var description: String { "crash of \(id)" }
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Records every event of a supervision tree through `onEvent`, so the log is always as
/// current as the supervisor: once a control call or `waitUntilReady()` returns, the events
/// leading to it are in the log.
final class EventLog: Sendable {
    private final class Storage: Sendable {
        let events = Mutex<[SupervisorEvent]>([])
    }

    private let storage = Storage()

    init(_ supervisor: Supervisor) {
        let storage = self.storage
        supervisor.onEvent { event in
            storage.events.withLock { $0.append(event) }
        }
    }

    var events: [SupervisorEvent] { storage.events.withLock { $0 } }

    /// Events of the child (or supervisor) at this path, e.g. "root/b".
    func events(of path: String) -> [SupervisorEvent.Kind] {
        events.filter { $0.path.description == path }.map(\.kind)
    }

    func starts(of path: String) -> Int {
        events(of: path).filter { if case .started = $0 { return true } else { return false } }
            .count
    }

    func exits(of path: String) -> [ExitReason] {
        events(of: path).compactMap {
            if case .exited(let reason, _) = $0 { return reason } else { return nil }
        }
    }

    func readies(of path: String) -> Int {
        events(of: path).filter { $0 == .ready }.count
    }

    /// Paths of `exited` events, in order.
    var exitOrder: [String] {
        events.compactMap {
            if case .exited = $0.kind { return $0.path.description } else { return nil }
        }
    }

    /// Waits (polling every millisecond, at most 20 s) until `condition` holds.
    func waitUntil(
        _ what: String,
        _ condition: (EventLog) -> Bool
    ) async throws {
        for _ in 0..<20_000 {
            if condition(self) { return }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw TimedOut(what: what + "; events: \(events.map(\.description))")
    }

}

/// Lets a test decide when a task child crashes or returns.
final class Gate: Sendable {
    private enum Command {
        case crash
        case finish
    }

    private struct State {
        var parked: [String: CheckedContinuation<Void, any Error>] = [:]
        var pending: [String: Command] = [:]
    }

    private let state = Mutex(State())

    /// A task body: waits for `crash` (throws) or `finish` (returns); cancellable.
    func park(_ id: String) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Void, any Error>) in
                let command: Command?? = state.withLock { state in
                    if let command = state.pending.removeValue(forKey: id) { return .some(command) }
                    if Task.isCancelled { return .some(nil) }
                    state.parked[id] = continuation
                    return nil
                }
                switch command {
                case .some(.some(.crash)): continuation.resume(throwing: Crash(id: id))
                case .some(.some(.finish)): continuation.resume()
                case .some(.none): continuation.resume(throwing: CancellationError())
                case .none: break
                }
            }
        } onCancel: {
            let parked = state.withLock { $0.parked.removeValue(forKey: id) }
            parked?.resume(throwing: CancellationError())
        }
    }

    func crash(_ id: String) { send(.crash, to: id) }
    func finish(_ id: String) { send(.finish, to: id) }

    private func send(_ command: Command, to id: String) {
        let parked: CheckedContinuation<Void, any Error>? = state.withLock { state in
            if let parked = state.parked.removeValue(forKey: id) { return parked }
            state.pending[id] = command
            return nil
        }
        switch command {
        case .crash: parked?.resume(throwing: Crash(id: id))
        case .finish: parked?.resume()
        }
    }

    /// A task child whose body parks on this gate under its own id.
    func child(
        _ id: String,
        restart: RestartType = .permanent,
        significant: Bool = false
    ) -> ChildSpec {
        .task(id, restart: restart, significant: significant) { [self] _ in try await park(id) }
    }
}

/// A process child that runs until killed.
func sleeper(_ id: String, restart: RestartType = .permanent) -> ChildSpec {
    .process(id, command: Command("/bin/sleep", arguments: ["1000"]), restart: restart)
}

/// Whether a process with this pid still exists (zombies count as gone once reaped).
func processExists(_ pid: Int32) -> Bool {
    Glibc.kill(pid, 0) == 0
}

/// Runs the supervisor in a task; returns the task so tests can await its result.
func start(
    _ supervisor: Supervisor,
    handlingTerminationSignals: Bool = false
) -> Task<Result<Void, SupervisorError>, Never> {
    Task {
        do throws(SupervisorError) {
            try await supervisor.run(handlingTerminationSignals: handlingTerminationSignals)
            return .success(())
        } catch {
            return .failure(error)
        }
    }
}

/// The pid of a running process child.
func pid(_ supervisor: Supervisor, _ id: String) async throws -> Int32 {
    try await supervisor.process(of: id).pid
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
