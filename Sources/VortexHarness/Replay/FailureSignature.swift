// What makes two failures "the same" for replay and shrink: the outcome's reason and, for a
// reconciliation failure, the kind of mismatch (a wrong status and a wrong balance are different
// bugs). Messages differ between runs (ids, counts, times) and are not compared.

import Workload

/// How a run ended, as replay and shrink compare it.
public struct FailureSignature: Sendable, Hashable, CustomStringConvertible {
    /// The outcome's name (summary.json's `reason`).
    public var reason: String
    /// The kind of mismatch of a reconciliation failure (summary.json's `mismatch`).
    public var mismatch: String?

    /// A signature.
    public init(reason: String, mismatch: String?) {
        self.reason = reason
        self.mismatch = mismatch
    }

    /// The signature of a summary.
    public init(_ summary: RunSummary) {
        self.init(reason: summary.reason, mismatch: summary.mismatch)
    }

    /// Whether the run passed.
    public var isPass: Bool { reason == RunOutcome.pass.description }

    /// `reason=reconciliation mismatch="wrong status"`, or `reason=liveness`.
    public var description: String {
        "reason=\(reason)" + (mismatch.map { " mismatch=\"\($0)\"" } ?? "")
    }
}

extension WorkloadError {
    /// The kind of mismatch when a reply disagreed with the model, else nil.
    var mismatchKind: String? {
        guard case .reconcile(let error) = self else { return nil }
        return error.kind.rawValue
    }
}
