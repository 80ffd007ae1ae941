// Why a child stopped. The restart logic reads it (transient children restart only after an
// abnormal end), the event stream reports it, and the harness maps it to a verdict: an exit
// with `.shutdown` or `.killed` was asked for by the supervisor, anything else was not.

public import ProcessControl

/// Why a child ended.
public indirect enum ExitReason: Sendable, Hashable, CustomStringConvertible {
    /// The task returned, the process exited with status 0, or the nested supervisor stopped by
    /// itself (auto-shutdown).
    case normal
    /// The supervisor stopped it and it ended within its shutdown policy.
    case shutdown
    /// The supervisor stopped it brutally, or it outlived its shutdown timeout and was killed
    /// (a task that ignores cancellation is abandoned and reported as killed).
    case killed
    /// The task threw this error.
    case failed(ChildFailure)
    /// The process exited by itself with a non-zero status.
    case exited(Int32)
    /// The process was ended by a signal the supervisor did not send (e.g. an external SIGKILL).
    case signaled(Signal)
    /// The child could not be started at all (e.g. the executable was not found).
    case startFailed(String)
    /// The child did not report readiness within its spec's `readinessTimeout`.
    case readinessTimedOut(Duration)
    /// A nested supervisor failed: its restart intensity was exceeded or a child of it failed
    /// to initialize.
    case supervisorFailed(SupervisorError)

    /// False for `.normal` and `.shutdown`; true for everything else (OTP's notion: a transient
    /// child is restarted only after an abnormal exit).
    public var isAbnormal: Bool {
        switch self {
        case .normal, .shutdown: return false
        default: return true
        }
    }

    /// `exited(3)`, `signaled(SIGKILL)`, `failed(connection refused)` …
    public var description: String {
        switch self {
        case .normal: return "normal"
        case .shutdown: return "shutdown"
        case .killed: return "killed"
        case .failed(let message): return "failed(\(message))"
        case .exited(let status): return "exited(\(status))"
        case .signaled(let signal): return "signaled(\(signal))"
        case .startFailed(let message): return "startFailed(\(message))"
        case .readinessTimedOut(let timeout): return "readinessTimedOut(\(timeout))"
        case .supervisorFailed(let error): return "supervisorFailed(\(error))"
        }
    }
}

/// The error a task child threw. Compared and printed by its description, which is made only
/// when needed (describing an error can cost more than restarting the task). A string literal
/// (or interpolation) makes one with that description, e.g. `.failed("refused")` to compare.
public struct ChildFailure: Sendable, Hashable, CustomStringConvertible,
    ExpressibleByStringInterpolation,
    ExpressibleByStringLiteral
{
    /// The thrown error; nil for a failure made from a string.
    public let error: (any Error)?
    private let message: String?

    /// A failure holding the thrown error.
    public init(_ error: any Error) {
        self.error = error
        self.message = nil
    }

    /// A failure described by `value`.
    public init(stringLiteral value: String) {
        self.error = nil
        self.message = value
    }

    /// The error's description (`String(describing:)`).
    public var description: String {
        if let message { return message }
        if let error { return String(describing: error) }
        return "unknown error"
    }

    /// Equal when the descriptions are equal.
    public static func == (lhs: ChildFailure, rhs: ChildFailure) -> Bool {
        lhs.description == rhs.description
    }

    /// Hashes the description.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(description)
    }
}

extension ExitReason {
    /// How a process that ended by itself is reported: status 0 is `.normal`.
    init(_ termination: Termination) {
        switch termination {
        case .exited(0): self = .normal
        case .exited(let status): self = .exited(status)
        case .signaled(let signal, _): self = .signaled(signal)
        }
    }
}
