// An operation: an invocation paired with its completion (or with none), the unit the checker
// orders. Failed operations are kept here (the HTML shows them) and dropped by the checker.

/// A register's content as a read sees it.
public enum RegisterValue: Sendable, Hashable, CustomStringConvertible {
    /// The key was never written.
    case absent
    /// The register holds this integer.
    case integer(Int)

    /// `nil` or the integer.
    public var description: String {
        switch self {
        case .absent: return "nil"
        case .integer(let value): return String(value)
        }
    }
}

/// What an operation asked for.
public enum OperationCall: Sendable, Hashable {
    /// Read the register.
    case read
    /// Set the register to a value.
    case write(Int)
    /// Set the register to `to` if it holds `from`.
    case cas(from: Int, to: Int)
}

/// How an operation ended.
public enum OperationOutcome: String, Sendable, Hashable {
    /// Took effect (an `ok` completion).
    case ok
    /// Had no effect (a `fail` completion).
    case failed
    /// May have taken effect at any point after its invocation, or never (`info`, or no
    /// completion at all).
    case unknown
}

/// An invocation and its completion.
public struct RegisterOperation: Sendable, Hashable, Identifiable {
    /// Its index in `History.operations` (operations are in invocation order).
    public var id: Int
    /// The client process that ran it.
    public var process: Int
    /// The register it is about.
    public var key: Int
    /// What it asked for.
    public var call: OperationCall
    /// How it ended.
    public var outcome: OperationOutcome
    /// The value an `ok` read returned; nil for every other operation.
    public var observed: RegisterValue?
    /// When it was invoked.
    public var invokeTimeUs: Int64
    /// When it completed; nil when its outcome is unknown (it may take effect at any later time).
    public var completeTimeUs: Int64?
    /// The error text of its completion, if any.
    public var error: String?
    /// The line of its invocation in the source file.
    public var invokeLine: Int

    /// An operation; `id` must be its index in the history that holds it.
    public init(
        id: Int,
        process: Int,
        key: Int,
        call: OperationCall,
        outcome: OperationOutcome,
        observed: RegisterValue?,
        invokeTimeUs: Int64,
        completeTimeUs: Int64?,
        error: String? = nil,
        invokeLine: Int = 0
    ) {
        precondition(
            observed == nil || (call == .read && outcome == .ok),
            "only an ok read observes a value"
        )
        precondition(
            completeTimeUs.map { $0 >= invokeTimeUs } ?? true,
            "an operation completes after its invocation"
        )
        self.id = id
        self.process = process
        self.key = key
        self.call = call
        self.outcome = outcome
        self.observed = observed
        self.invokeTimeUs = invokeTimeUs
        self.completeTimeUs = completeTimeUs
        self.error = error
        self.invokeLine = invokeLine
    }

    /// A short label: `write 7`, `read → 3`, `cas 3→4`, with `?` for an unknown outcome and
    /// `✗` for a failure.
    public var label: String {
        let text: String
        switch call {
        case .read:
            text = observed.map { "read → \($0)" } ?? "read"
        case .write(let value):
            text = "write \(value)"
        case .cas(let from, let to):
            text = "cas \(from)→\(to)"
        }
        switch outcome {
        case .ok: return text
        case .failed: return text + " ✗"
        case .unknown: return text + " ?"
        }
    }
}
