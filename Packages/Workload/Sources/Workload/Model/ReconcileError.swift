// A reply that disagrees with the model: which command, which event, what was expected and
// what arrived. Any of these fails the run with exit code 13 (the original's
// `workload_reconcile`).

/// A driver reply that does not match the model.
public struct ReconcileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of disagreement it is.
    public enum Kind: String, Sendable, Hashable {
        /// A create event's status differs from the one the model predicts.
        case wrongStatus = "wrong status"
        /// A dense reply's result count differs from the event count.
        case wrongResultCount = "wrong result count"
        /// A lookup left out an object that exists.
        case missingResult = "missing result"
        /// A lookup returned an object that does not exist, or in the wrong place.
        case unexpectedResult = "unexpected result"
        /// An account balance differs from the model's.
        case wrongBalance = "wrong balance"
        /// A field other than a balance or timestamp differs from what was created.
        case wrongField = "wrong field"
        /// A timestamp is zero or differs from the one reported at creation.
        case wrongTimestamp = "wrong timestamp"
        /// Timestamps of objects in creation order are not strictly increasing.
        case nonMonotonicTimestamp = "non-monotonic timestamp"
        /// Σ debits_posted differs from Σ credits_posted over all accounts.
        case sumMismatch = "sum mismatch"
    }

    /// What kind of disagreement it is.
    public let kind: Kind
    /// The command of the request.
    public let command: WorkloadCommand
    /// The request's operation.
    public let operation: Operation
    /// The index of the event (or result) concerned, if one is.
    public let eventIndex: Int?
    /// What was compared (`status`, `debits_posted of account 0x2a`, …).
    public let subject: String
    /// The value the model expected.
    public let expected: String
    /// The value the driver replied.
    public let actual: String

    /// A disagreement.
    public init(
        _ kind: Kind,
        command: WorkloadCommand,
        operation: Operation,
        eventIndex: Int?,
        subject: String,
        expected: String,
        actual: String
    ) {
        self.kind = kind
        self.command = command
        self.operation = operation
        self.eventIndex = eventIndex
        self.subject = subject
        self.expected = expected
        self.actual = actual
    }

    /// `reconcile failed: wrong status: create_transfers (create_transfers) event 17: status
    /// of transfer 0x… expected debit_account_not_found, got created`
    public var description: String {
        let event = eventIndex.map { " event \($0)" } ?? ""
        return "reconcile failed: \(kind.rawValue): \(command) (\(operation))\(event): "
            + "\(subject) expected \(expected), got \(actual)"
    }
}

/// An id as hexadecimal, as in messages.
func hexID(_ id: UInt128) -> String {
    "0x" + String(id, radix: 16)
}
