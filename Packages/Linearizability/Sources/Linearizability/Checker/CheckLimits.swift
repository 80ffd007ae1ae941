// The effort a check may spend: linearizability checking is NP-complete, and a pathological
// history (many concurrent operations of unknown outcome) must end a run with "unknown", not hang
// it.

/// Bounds on one check.
public struct CheckLimits: Sendable, Hashable {
    /// Most configurations (linearized set, register state) one key's search may store; each
    /// costs about 16 bytes plus one bit per operation of the key.
    public var maximumExploredStates: Int
    /// When to give up, on the continuous clock; nil for no deadline.
    public var deadline: ContinuousClock.Instant?

    /// Limits; the default state bound keeps one key's search under about 200 MB.
    public init(maximumExploredStates: Int = 4_000_000, deadline: ContinuousClock.Instant? = nil) {
        precondition(maximumExploredStates > 0, "a check explores at least one state")
        self.maximumExploredStates = maximumExploredStates
        self.deadline = deadline
    }

    /// Limits that end `duration` from now.
    public static func within(
        _ duration: Duration,
        maximumExploredStates: Int = 4_000_000
    ) -> CheckLimits {
        CheckLimits(
            maximumExploredStates: maximumExploredStates,
            deadline: ContinuousClock.now.advanced(by: duration)
        )
    }
}
