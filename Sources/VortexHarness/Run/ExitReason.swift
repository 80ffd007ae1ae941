// Exit codes per failure reason (ARCHITECTURE.md §8): the original's codes plus 2 for usage.
// A verdict names the reason; the process exits with its code.

/// Why a run ended, as an exit code.
public enum ExitReason: Int32, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The test duration elapsed and the driver ended as expected.
    case pass = 0
    /// An error inside vortex.
    case internalError = 1
    /// Bad flags or configuration; nothing was started.
    case usage = 2
    /// The driver exited on its own.
    case driverExitedEarly = 10
    /// The driver's end status after SIGTERM was not SIGTERM or exit 143.
    case driverExitStatus = 11
    /// A reply did not match the model.
    case reconciliation = 13
    /// A replica exited without vortex causing it.
    case replicaExited = 14
    /// Writing a request to the driver failed.
    case driverRequestWrite = 15
    /// A driver reply could not be read or parsed.
    case driverReplyUnreadable = 16
    /// No request finished within the liveness window of an acceptable period.
    case liveness = 17
    /// A request spent longer than the liveness window inside an acceptable period.
    case requestSlow = 18
    /// A replica died of a SIGKILL vortex did not send (likely the OOM killer): indeterminate.
    case replicaKilled = 137
    /// vortex itself was stopped by SIGINT or SIGTERM (128 + SIGTERM, as the original's outer
    /// process): indeterminate.
    case interrupted = 143

    /// The exit code.
    public var code: Int32 { rawValue }

    /// Short machine-readable name used in the verdict line (`reason=liveness`).
    public var description: String {
        switch self {
        case .pass: "pass"
        case .internalError: "internal-error"
        case .usage: "usage"
        case .driverExitedEarly: "driver-exited-early"
        case .driverExitStatus: "driver-exit-status"
        case .reconciliation: "reconciliation"
        case .replicaExited: "replica-exited"
        case .driverRequestWrite: "driver-request-write"
        case .driverReplyUnreadable: "driver-reply-unreadable"
        case .liveness: "liveness"
        case .requestSlow: "request-slow"
        case .replicaKilled: "replica-killed"
        case .interrupted: "interrupted"
        }
    }
}
