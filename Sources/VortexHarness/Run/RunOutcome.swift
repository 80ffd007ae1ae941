// The one table of how a run can end: each outcome's exit code, its machine-readable name (the
// verdict line's `reason=`, summary.json's `reason`), its verdict class (pass, fail,
// indeterminate) and the sentence `vortex run --help` and docs/user-guide.md show. The codes are
// the original vortex's failure codes plus 2 for usage; every other place derives from here. Two
// outcomes share 13 (a model mismatch of the ledger, a register history that is not
// linearizable: both say the system answered wrongly), so an outcome is not its code.

public import Workload

/// How a run ended; the process exits with ``code``.
public enum RunOutcome: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The test duration elapsed and the driver ended as expected.
    case pass
    /// An error inside vortex.
    case internalError
    /// Bad flags or configuration; nothing was started.
    case usage
    /// The driver exited on its own.
    case driverExitedEarly
    /// The driver's end status after SIGTERM was not SIGTERM or exit 143.
    case driverExitStatus
    /// A reply did not match the model.
    case reconciliation
    /// A key's history of the register workload is not linearizable.
    case notLinearizable
    /// A replica exited without vortex causing it.
    case replicaExited
    /// Writing a request to the driver failed.
    case driverRequestWrite
    /// A driver reply could not be read or parsed.
    case driverReplyUnreadable
    /// No request finished within the liveness window of an acceptable period.
    case liveness
    /// A request spent longer than the liveness window inside an acceptable period.
    case requestSlow
    /// A replica died of a SIGKILL vortex did not send (likely the OOM killer): indeterminate.
    case replicaKilled
    /// vortex itself was stopped by SIGINT or SIGTERM (128 + SIGTERM, as the original's outer
    /// process): indeterminate.
    case interrupted

    /// The verdict classes of summary.json's `verdict` and the verdict line's first word.
    public enum Verdict: String, Sendable, Hashable {
        /// The run passed.
        case pass
        /// The system under test (or vortex, or the configuration) failed.
        case fail
        /// The run says nothing about the system: it was interrupted, or the machine killed a
        /// replica.
        case indeterminate
    }

    /// The exit code.
    public var code: Int32 {
        switch self {
        case .pass: 0
        case .internalError: 1
        case .usage: 2
        case .driverExitedEarly: 10
        case .driverExitStatus: 11
        case .reconciliation, .notLinearizable: 13
        case .replicaExited: 14
        case .driverRequestWrite: 15
        case .driverReplyUnreadable: 16
        case .liveness: 17
        case .requestSlow: 18
        case .replicaKilled: 137
        case .interrupted: 143
        }
    }

    /// Short machine-readable name (`reason=liveness`).
    public var description: String {
        switch self {
        case .pass: "pass"
        case .internalError: "internal-error"
        case .usage: "usage"
        case .driverExitedEarly: "driver-exited-early"
        case .driverExitStatus: "driver-exit-status"
        case .reconciliation: "reconciliation"
        case .notLinearizable: "not-linearizable"
        case .replicaExited: "replica-exited"
        case .driverRequestWrite: "driver-request-write"
        case .driverReplyUnreadable: "driver-reply-unreadable"
        case .liveness: "liveness"
        case .requestSlow: "request-slow"
        case .replicaKilled: "replica-killed"
        case .interrupted: "interrupted"
        }
    }

    /// The outcome named `name` (the inverse of ``description``), or nil.
    public init?(name: String) {
        guard let outcome = Self.allCases.first(where: { $0.description == name }) else {
            return nil
        }
        self = outcome
    }

    /// Pass, fail or indeterminate.
    public var verdict: Verdict {
        switch self {
        case .pass: .pass
        case .replicaKilled, .interrupted: .indeterminate
        default: .fail
        }
    }

    /// What the outcome means, for help texts and docs.
    public var meaning: String {
        switch self {
        case .pass: "pass"
        case .internalError: "internal error"
        case .usage: "bad flags or configuration, nothing started"
        case .driverExitedEarly: "the driver exited early"
        case .driverExitStatus: "the driver's end status was wrong"
        case .reconciliation: "a reply did not match the model"
        case .notLinearizable: "a register key's history is not linearizable"
        case .replicaExited: "a replica exited unexpectedly"
        case .driverRequestWrite: "writing a request to the driver failed"
        case .driverReplyUnreadable: "a driver reply was unreadable"
        case .liveness: "liveness: no request finished in time"
        case .requestSlow: "liveness: a request took too long"
        case .replicaKilled: "a replica died of a SIGKILL vortex did not send (indeterminate)"
        case .interrupted: "interrupted by SIGINT or SIGTERM (indeterminate)"
        }
    }

    /// `0 pass, 1 internal error, …`: the exit-code sentence of `vortex run --help`.
    public static var helpSentence: String {
        "Exit codes: "
            + allCases.map { "\($0.code) \($0.meaning)" }.joined(separator: ", ") + "."
    }

    /// The one outcome whose exit code is `code`; nil when none has it, or when several share
    /// it (13: a model mismatch or a history that is not linearizable).
    public init?(uniqueCode code: Int32) {
        let matching = Self.allCases.filter { $0.code == code }
        guard matching.count == 1, let outcome = matching.first else { return nil }
        self = outcome
    }

    /// The verdict class of exit code `code`, when the outcomes that have it agree on one.
    public static func verdict(ofCode code: Int32) -> Verdict? {
        let verdicts = Set(allCases.filter { $0.code == code }.map(\.verdict))
        return verdicts.count == 1 ? verdicts.first : nil
    }

    /// The outcome of a workload that stopped with `kind`.
    public init(_ kind: WorkloadFailureKind) {
        switch kind {
        case .driverStartFailed, .noPossibleCommand: self = .usage
        case .driverExited: self = .driverExitedEarly
        case .driverEndStatus: self = .driverExitStatus
        case .requestWriteFailed: self = .driverRequestWrite
        case .replyUnreadable: self = .driverReplyUnreadable
        case .modelMismatch: self = .reconciliation
        }
    }
}
