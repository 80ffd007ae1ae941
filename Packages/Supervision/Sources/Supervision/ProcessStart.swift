// How an OS-process child starts: a command (made afresh for every start, so a start can run a
// preparation step first, e.g. formatting a replica's data directory) and how it shows it is
// ready (at once, or when a check such as "its port accepts connections" returns).

public import ProcessControl

/// When a process child counts as ready.
public enum ProcessReadiness: Sendable {
    /// As soon as it has been spawned.
    case immediate
    /// When this check returns. A check that throws, or a process that ends first, is an
    /// initialization failure. The check is cancelled if the process ends.
    case check(@Sendable (ChildProcess, ChildContext) async throws -> Void)
}

/// How to start an OS-process child.
public struct ProcessStart: Sendable {
    /// Makes the command for one start; may do preparation work first. Throwing is an
    /// initialization failure.
    public var makeCommand: @Sendable (ChildContext) async throws -> Command
    /// When the process counts as ready.
    public var readiness: ProcessReadiness

    /// A process start.
    public init(
        readiness: ProcessReadiness = .immediate,
        makeCommand: @escaping @Sendable (ChildContext) async throws -> Command
    ) {
        self.makeCommand = makeCommand
        self.readiness = readiness
    }
}

extension ChildSpec {
    /// An OS-process child that runs `command` on every start.
    public static func process(
        _ id: String,
        command: Command,
        restart: RestartType = .permanent,
        shutdown: ShutdownPolicy = .timeout(.seconds(5)),
        significant: Bool = false,
        readiness: ProcessReadiness = .immediate,
        readinessTimeout: Duration? = nil
    ) -> ChildSpec {
        ChildSpec(
            id: id,
            start: .process(ProcessStart(readiness: readiness) { _ in command }),
            restart: restart,
            shutdown: shutdown,
            significant: significant,
            readinessTimeout: readinessTimeout
        )
    }

    /// An OS-process child whose command is made (and prepared for) on every start.
    public static func process(
        _ id: String,
        restart: RestartType = .permanent,
        shutdown: ShutdownPolicy = .timeout(.seconds(5)),
        significant: Bool = false,
        readiness: ProcessReadiness = .immediate,
        readinessTimeout: Duration? = nil,
        makeCommand: @escaping @Sendable (ChildContext) async throws -> Command
    ) -> ChildSpec {
        ChildSpec(
            id: id,
            start: .process(ProcessStart(readiness: readiness, makeCommand: makeCommand)),
            restart: restart,
            shutdown: shutdown,
            significant: significant,
            readinessTimeout: readinessTimeout
        )
    }
}
