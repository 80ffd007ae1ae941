// The evidence of a violation, in terms a person can check by hand: how far an order could be
// built, which operation could not follow it, and a small set of operations that alone cannot
// be ordered.

/// Why a key is not linearizable. Operations are named by `RegisterOperation.id`.
public struct Violation: Sendable, Hashable {
    /// The key.
    public var key: Int
    /// The longest linearization the search built, in order (empty when a pre-check found an
    /// operation that no write could explain, before any search).
    public var linearizedPrefix: [Int]
    /// The operation(s) that could not be linearized after that prefix: the first of known
    /// outcome to return without having been ordered.
    public var blocked: [Int]
    /// A small subset of the key's operations that is not linearizable by itself (ascending ids):
    /// dropping any one of them makes it linearizable, or would remove the only write of a value
    /// that another one reads. Empty when no explanation was asked for.
    public var minimal: [Int]
    /// False when the minimisation stopped at its effort bound (the set is then non-linearizable
    /// but perhaps not minimal) or was not run.
    public var minimalIsComplete: Bool

    /// A violation record.
    public init(
        key: Int,
        linearizedPrefix: [Int],
        blocked: [Int],
        minimal: [Int],
        minimalIsComplete: Bool
    ) {
        self.key = key
        self.linearizedPrefix = linearizedPrefix
        self.blocked = blocked
        self.minimal = minimal
        self.minimalIsComplete = minimalIsComplete
    }
}
