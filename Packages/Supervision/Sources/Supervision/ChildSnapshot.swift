// Point-in-time views of a supervisor's children, like OTP's which_children and
// count_children: what the harness prints on failure and what tests assert on.

/// One child as it is right now.
public struct ChildSnapshot: Sendable, Hashable {
    /// Where a child is in its life.
    public enum State: Sendable, Hashable {
        /// Started, not yet ready.
        case starting
        /// Ready and running.
        case running
        /// Waiting for its turn to start, or for a backoff delay to pass.
        case restarting
        /// Not running; the reason it last ended, nil if it never started.
        case terminated(ExitReason?)
    }

    /// The child's id.
    public let id: String
    /// The child's full path.
    public let path: ChildPath
    /// Task, process or supervisor.
    public let kind: ChildKind
    /// Where it is in its life.
    public let state: State
    /// The OS process id while a process child runs.
    public let processID: Int32?
    /// Its restart type.
    public let restart: RestartType
    /// Whether it is significant.
    public let significant: Bool
    /// How many times the supervisor restarted it.
    public let restartCount: Int
}

/// Counts of a supervisor's children (OTP's count_children).
public struct ChildCounts: Sendable, Hashable {
    /// All child specs, running or not.
    public let specs: Int
    /// Children running or starting.
    public let active: Int
    /// Specs that are nested supervisors.
    public let supervisors: Int
    /// Specs that are tasks or processes.
    public let workers: Int

    /// Counts, e.g. to compare with `countChildren()`.
    public init(specs: Int, active: Int, supervisors: Int, workers: Int) {
        self.specs = specs
        self.active = active
        self.supervisors = supervisors
        self.workers = workers
    }
}
