// What to start: a value type describing a child process. Building one has no side effects;
// `spawn()` (Spawn.swift) starts it.

/// Where one of a child's standard streams goes.
public enum StandardIO: Sendable, Hashable {
    /// The parent's own descriptor.
    case inherit
    /// /dev/null.
    case null
    /// A pipe; the parent's end is on the `ChildProcess`.
    case pipe
    /// A file, created if missing (mode 0644); truncated unless `append`. Read-only for stdin.
    case file(String, append: Bool)
    /// An open descriptor of the parent; the child gets a copy.
    case fileDescriptor(Int32)
}

/// The environment a child starts with.
public enum Environment: Sendable, Hashable {
    /// The parent's environment as it is.
    case inherit
    /// Exactly these variables.
    case replace([String: String])
    /// The parent's environment with these variables added or overridden.
    case inheritAdding([String: String])
}

/// Which process group a child joins.
public enum ProcessGroup: Sendable, Hashable {
    /// The parent's group.
    case inherit
    /// A new group led by the child; group signals (and `terminate`) reach the descendants
    /// that stay in it (not those that call `setpgid` or `setsid`).
    case newGroup
    /// A new session (and group) led by the child, detached from the terminal.
    case newSession
}

/// Everything needed to start a child process.
public struct Command: Sendable, Hashable {
    /// A path (containing "/"), or a name looked up in the child's PATH.
    public var executable: String
    /// The arguments after argv[0] (argv[0] is `executable` as given).
    public var arguments: [String]
    /// The child's environment.
    public var environment: Environment = .inherit
    /// The child's working directory; nil keeps the parent's.
    public var workingDirectory: String?
    /// Where the child's standard input comes from.
    public var standardInput: StandardIO = .inherit
    /// Where the child's standard output goes.
    public var standardOutput: StandardIO = .inherit
    /// Where the child's standard error goes.
    public var standardError: StandardIO = .inherit
    /// The process group the child joins.
    public var processGroup: ProcessGroup = .inherit
    /// A signal the kernel sends the child when this process dies, however it dies
    /// (PR_SET_PDEATHSIG). It reaches the child only, not the processes the child starts:
    /// for those, see `ProcessTree.relaunchUnderReaperIfNeeded()` and `Namespaces`.
    public var deathSignal: Signal?
    /// An open network namespace file (`/proc/PID/ns/net`, a bind mount, or a descriptor from
    /// `NetworkNamespaceFile`) the child joins with setns(2) before exec, so it gets that
    /// namespace's interfaces and addresses; nil keeps the parent's. Needs CAP_SYS_ADMIN in the
    /// user namespace that owns it. The descriptor stays the caller's: it must stay open until
    /// `spawn()` returns.
    public var networkNamespaceDescriptor: Int32?

    /// Describes `executable arguments…` with every other setting at its default.
    public init(_ executable: String, arguments: [String] = []) {
        self.executable = executable
        self.arguments = arguments
    }
}
