// The effort a check may spend: linearizability checking is NP-complete, and a pathological
// history (many concurrent operations of unknown outcome) must end a run with "unknown", not hang
// it or exhaust the machine's memory.

/// Bounds on one check.
public struct CheckLimits: Sendable, Hashable {
    /// Most configurations (linearized set, register state) one key's search may store.
    public var maximumExploredStates: Int
    /// Most bytes one key's configurations may take: each costs about 28 bytes plus one bit per
    /// operation of the key, so a key of 20,000 operations reaches this bound long before the
    /// state bound.
    public var maximumMemoryBytes: Int
    /// When to give up, on the continuous clock; nil for no deadline.
    public var deadline: ContinuousClock.Instant?

    /// Limits; by default 4,000,000 configurations and 512 MiB per key, no deadline.
    public init(
        maximumExploredStates: Int = 4_000_000,
        maximumMemoryBytes: Int = 512 << 20,
        deadline: ContinuousClock.Instant? = nil
    ) {
        precondition(maximumExploredStates > 0, "a check explores at least one state")
        precondition(maximumMemoryBytes > 0, "a check needs some memory")
        self.maximumExploredStates = maximumExploredStates
        self.maximumMemoryBytes = maximumMemoryBytes
        self.deadline = deadline
    }

    /// Limits that end `duration` from now.
    public static func within(
        _ duration: Duration,
        maximumExploredStates: Int = 4_000_000,
        maximumMemoryBytes: Int = 512 << 20
    ) -> CheckLimits {
        CheckLimits(
            maximumExploredStates: maximumExploredStates,
            maximumMemoryBytes: maximumMemoryBytes,
            deadline: ContinuousClock.now.advanced(by: duration)
        )
    }

    /// The states a key whose bitsets have `wordCount` words may store within both bounds.
    func stateBound(wordCount: Int) -> Int {
        // Per state: the bitset, its hash and state (12 bytes), two table slots (16 bytes).
        let bytesPerState = wordCount * 8 + 28
        return max(1, min(maximumExploredStates, maximumMemoryBytes / bytesPerState))
    }
}
