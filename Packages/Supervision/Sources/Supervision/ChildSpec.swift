// What a supervisor needs to know about one child: how to start it (an async task, an OS
// process through ProcessControl, or a nested supervisor), when to restart it, how to stop it,
// and whether its end should stop the whole supervisor. Values only; the supervisor turns them
// into running children.

/// When a child that ended is started again.
public enum RestartType: Sendable, Hashable {
    /// Always restarted (after any end it did not get asked for).
    case permanent
    /// Restarted only after an abnormal end (see `ExitReason.isAbnormal`).
    case transient
    /// Never restarted, not even when a sibling's failure restarts the group. Its spec stays
    /// until `deleteChild` so that `restartChild` can start it again on request.
    case temporary
}

/// How a supervisor stops a child.
public enum ShutdownPolicy: Sendable, Hashable {
    /// At once: SIGKILL for a process; cancel-and-abandon for a task; a brutal shutdown for a
    /// nested supervisor.
    case brutalKill
    /// Ask first (SIGTERM, task cancellation, graceful shutdown of a nested supervisor), wait at
    /// most this long, then kill.
    case timeout(Duration)
    /// Ask and wait as long as it takes (the default for nested supervisors). A second
    /// termination signal, or `shutdown(brutally: true)`, still escalates.
    case infinity
}

/// When a task child counts as ready.
public enum TaskReadiness: Sendable, Hashable {
    /// As soon as the task has started.
    case immediate
    /// When the task calls `ChildContext.reportReady()`; failing before that is an
    /// initialization failure.
    case explicit
}

/// How to start a child.
public enum ChildStart: Sendable {
    /// An async task. The body runs until it returns (normal end) or throws (failure); the
    /// supervisor stops it by cancelling it.
    case task(readiness: TaskReadiness, body: @Sendable (ChildContext) async throws -> Void)
    /// An OS process started through ProcessControl.
    case process(ProcessStart)
    /// A nested supervisor; it is ready when all its children are ready.
    case supervisor(SupervisorSpec)
}

/// Everything a supervisor needs to know about one child.
public struct ChildSpec: Sendable {
    /// Unique among its siblings; the last component of its path.
    public var id: String
    /// How to start it.
    public var start: ChildStart
    /// When to restart it.
    public var restart: RestartType
    /// How to stop it.
    public var shutdown: ShutdownPolicy
    /// When true, this child's own end (not restarted) may stop its supervisor, depending on the
    /// supervisor's `autoShutdown`. Only transient and temporary children can be significant.
    public var significant: Bool
    /// A child not ready within this long is stopped and counts as an initialization failure.
    /// Nil waits forever.
    public var readinessTimeout: Duration?

    /// A child spec. `shutdown` defaults to `.infinity` for nested supervisors and to a 5 s
    /// timeout for tasks and processes (OTP's defaults).
    public init(
        id: String,
        start: ChildStart,
        restart: RestartType = .permanent,
        shutdown: ShutdownPolicy? = nil,
        significant: Bool = false,
        readinessTimeout: Duration? = nil
    ) {
        self.id = id
        self.start = start
        self.restart = restart
        if let shutdown {
            self.shutdown = shutdown
        } else if case .supervisor = start {
            self.shutdown = .infinity
        } else {
            self.shutdown = .timeout(.seconds(5))
        }
        self.significant = significant
        self.readinessTimeout = readinessTimeout
    }

    /// An async task child.
    public static func task(
        _ id: String,
        restart: RestartType = .permanent,
        shutdown: ShutdownPolicy = .timeout(.seconds(5)),
        significant: Bool = false,
        readiness: TaskReadiness = .immediate,
        readinessTimeout: Duration? = nil,
        _ body: @escaping @Sendable (ChildContext) async throws -> Void
    ) -> ChildSpec {
        ChildSpec(
            id: id,
            start: .task(readiness: readiness, body: body),
            restart: restart,
            shutdown: shutdown,
            significant: significant,
            readinessTimeout: readinessTimeout
        )
    }

    /// A nested supervisor child; its path component is `id`, not `spec.name`.
    public static func supervisor(
        _ id: String,
        _ spec: SupervisorSpec,
        restart: RestartType = .permanent,
        shutdown: ShutdownPolicy = .infinity,
        significant: Bool = false
    ) -> ChildSpec {
        ChildSpec(
            id: id,
            start: .supervisor(spec),
            restart: restart,
            shutdown: shutdown,
            significant: significant
        )
    }

    /// What kind of child this spec starts.
    public var kind: ChildKind {
        switch start {
        case .task: return .task
        case .process: return .process
        case .supervisor: return .supervisor
        }
    }
}

/// The three kinds of child.
public enum ChildKind: Sendable, Hashable {
    /// An async task.
    case task
    /// An OS process.
    case process
    /// A nested supervisor.
    case supervisor
}
