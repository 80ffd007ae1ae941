// How a child ended and what state it is in. A non-zero exit is a result, not an error: callers
// decide what an exit code means.

/// How a child process ended.
public enum Termination: Sendable, Hashable, CustomStringConvertible {
    /// It called exit with this status.
    case exited(Int32)
    /// A signal ended it; `coreDumped` when the kernel wrote a core file.
    case signaled(Signal, coreDumped: Bool)

    /// True for `exited(0)`.
    public var isSuccess: Bool {
        self == .exited(0)
    }

    /// The status a shell would report: the exit code, or 128 + the signal number.
    public var shellStatus: Int32 {
        switch self {
        case .exited(let code):
            return code
        case .signaled(let signal, _):
            return 128 + signal.rawValue
        }
    }

    /// "exited with status 3", "killed by SIGKILL", "killed by SIGSEGV (core dumped)".
    public var description: String {
        switch self {
        case .exited(let code):
            return "exited with status \(code)"
        case .signaled(let signal, let coreDumped):
            return "killed by \(signal)" + (coreDumped ? " (core dumped)" : "")
        }
    }
}

/// What a child is doing, as far as the kernel has told us.
public enum ChildState: Sendable, Hashable {
    /// Running (or at least not stopped and not yet reaped).
    case running
    /// Stopped by SIGSTOP and observed stopped.
    case stopped
    /// Ended and reaped.
    case exited(Termination)
}
