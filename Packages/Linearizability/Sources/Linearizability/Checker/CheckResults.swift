// What a check says, per key and for a whole history: the verdict, the effort it took, and for a
// violation the evidence (Explanation/Violation.swift).

/// The verdict on one key, or on a whole history.
public enum Verdict: String, Sendable, Hashable {
    /// Some order of the operations respects real time and the register's rules.
    case linearizable
    /// No such order exists.
    case notLinearizable = "not linearizable"
    /// The limits were reached before either could be shown.
    case unknown
}

/// The check of one key.
public struct KeyCheck: Sendable, Hashable {
    /// The key.
    public var key: Int
    /// The verdict.
    public var verdict: Verdict
    /// Why the verdict is unknown (which limit was reached); nil otherwise.
    public var unknownReason: String?
    /// How many configurations the search stored.
    public var exploredStates: Int
    /// How many operations the search ordered (failed ones and reads of unknown outcome are
    /// dropped first).
    public var checkedOperationCount: Int
    /// The evidence when the verdict is `notLinearizable`.
    public var violation: Violation?
}

/// The check of every key of a history.
public struct HistoryCheck: Sendable, Hashable {
    /// One check per key, ascending by key.
    public var keys: [KeyCheck]

    /// Not linearizable when any key is not; else unknown when any key is unknown; else
    /// linearizable (P-compositionality: a history of independent registers is linearizable
    /// exactly when each register's history is).
    public var verdict: Verdict {
        if keys.contains(where: { $0.verdict == .notLinearizable }) { return .notLinearizable }
        if keys.contains(where: { $0.verdict == .unknown }) { return .unknown }
        return .linearizable
    }

    /// The keys that are not linearizable.
    public var violations: [KeyCheck] {
        keys.filter { $0.verdict == .notLinearizable }
    }
}
