// What the supervisor loop remembers about one child across its starts: its spec and place in
// start order, which generation is running and in what state, its restart counters for backoff,
// and the control calls waiting for it to become ready.

/// Where a child is in its life, as the loop sees it.
enum ChildLifecycle {
    /// Not running (never started, stopped, or ended without restart).
    case stopped
    /// Waiting in the start queue for the children before it to be ready.
    case queued
    /// Waiting for a backoff delay; `token` names the timer.
    case restartPending(token: Int)
    /// Started, not yet ready.
    case starting(RunningChild)
    /// Ready.
    case running(RunningChild)
}

final class ChildRecord {
    var spec: ChildSpec
    let path: ChildPath
    /// Position in start order; children start in increasing order and stop in decreasing.
    let order: Int
    var lifecycle: ChildLifecycle = .stopped
    var lastExit: ExitReason?
    var generation = 0
    var restartCount = 0
    /// Consecutive automatic restarts, for backoff; reset by `Backoff.resetAfter`.
    var consecutiveRestarts = 0
    var readyAt: Duration?
    var processID: Int32?
    var readinessTimer: Task<Void, Never>?
    /// Control calls waiting for this child to be ready (or to fail first).
    var readyWaiters: [(Result<Void, SupervisorError>) -> Void] = []

    init(spec: ChildSpec, path: ChildPath, order: Int) {
        self.spec = spec
        self.path = path
        self.order = order
    }

    /// The running generation, while starting or running.
    var active: RunningChild? {
        switch lifecycle {
        case .starting(let child), .running(let child): return child
        case .stopped, .queued, .restartPending: return nil
        }
    }

    var isReady: Bool {
        if case .running = lifecycle { return true }
        return false
    }

    var isStopped: Bool {
        if case .stopped = lifecycle { return true }
        return false
    }

    /// Answers every control call waiting for readiness.
    func answerReadyWaiters(_ result: Result<Void, SupervisorError>) {
        let waiters = readyWaiters
        readyWaiters.removeAll()
        for waiter in waiters { waiter(result) }
    }

    func snapshot() -> ChildSnapshot {
        let state: ChildSnapshot.State
        switch lifecycle {
        case .stopped: state = .terminated(lastExit)
        case .queued, .restartPending: state = .restarting
        case .starting: state = .starting
        case .running: state = .running
        }
        return ChildSnapshot(
            id: spec.id,
            path: path,
            kind: spec.kind,
            state: state,
            processID: processID,
            restart: spec.restart,
            significant: spec.significant,
            restartCount: restartCount
        )
    }
}
