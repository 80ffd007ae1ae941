// What can go wrong with a driver process: it could not start, it exited, its end status was
// wrong, a request could not be written, a reply was unreadable. Each error has a
// ``WorkloadFailureKind``; the harness maps kinds to its exit codes. A reply that does not
// arrive by the deadline is its own case so the harness can treat it as a liveness failure.

public import ProcessControl

/// A driver process that failed the protocol or died.
public enum DriverError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The driver could not be started (bad command, not executable): a usage error.
    case startFailed(String)
    /// The driver exited while the workload still needed it.
    case exited(Termination)
    /// Writing a request to the driver's stdin failed while the driver was alive.
    case requestWriteFailed(String)
    /// The reply was unreadable: cut short, too long, or not a valid reply to the request.
    case replyInvalid(String)
    /// No complete reply within the deadline.
    case timedOut(operation: Operation, eventCount: Int, after: Duration)
    /// After SIGTERM (or end of stdin) the driver ended some other way than SIGTERM, exit 143 or
    /// exit 0.
    case wrongEndStatus(Termination)

    /// The kind of failure (a timeout counts as an unreadable reply unless the harness maps it
    /// to a liveness failure).
    public var kind: WorkloadFailureKind {
        switch self {
        case .startFailed: .driverStartFailed
        case .exited: .driverExited
        case .wrongEndStatus: .driverEndStatus
        case .requestWriteFailed: .requestWriteFailed
        case .replyInvalid, .timedOut: .replyUnreadable
        }
    }

    /// One line saying what happened.
    public var description: String {
        switch self {
        case .startFailed(let reason): "the driver could not be started: \(reason)"
        case .exited(let termination): "the driver exited early: \(termination)"
        case .requestWriteFailed(let reason): "writing a request to the driver failed: \(reason)"
        case .replyInvalid(let reason): "the driver's reply is invalid: \(reason)"
        case .timedOut(let operation, let eventCount, let after):
            "the driver did not answer \(operation) of \(eventCount) events within \(after)"
        case .wrongEndStatus(let termination):
            "the driver ended with \(termination); expected SIGTERM, exit 143 or exit 0"
        }
    }
}
