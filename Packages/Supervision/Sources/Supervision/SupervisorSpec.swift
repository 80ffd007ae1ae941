// How a supervisor behaves: its restart strategy, its restart intensity (at most `intensity`
// restarts within `period`, else it stops everything and fails), an optional exponential
// backoff between restarts, when significant children stop it, and its children in start order.

/// Which children restart when one fails.
public enum RestartStrategy: Sendable {
    /// Only the failed child.
    case oneForOne
    /// All children: the others are stopped in reverse start order, then all (except temporary
    /// ones) are started again in order.
    case oneForAll
    /// The failed child and every child started after it.
    case restForOne
    /// OTP's simple_one_for_one: no children at first; `startChild(arguments:)` makes them from
    /// the template. Restarts are one-for-one.
    case dynamic(ChildTemplate)
}

/// Makes the dynamic children of a `.dynamic` supervisor.
public struct ChildTemplate: Sendable {
    /// Ids made by `startChild(arguments:)` without an id are `"\(idPrefix)-\(n)"`, n = 1, 2 …
    public var idPrefix: String
    /// The spec of a new child, given its id and the call's arguments.
    public var makeSpec: @Sendable (_ id: String, _ arguments: [String]) -> ChildSpec

    /// A template.
    public init(
        idPrefix: String,
        makeSpec: @escaping @Sendable (_ id: String, _ arguments: [String]) -> ChildSpec
    ) {
        self.idPrefix = idPrefix
        self.makeSpec = makeSpec
    }
}

/// When the end of significant children stops the supervisor (OTP 24's auto_shutdown).
public enum AutoShutdown: Sendable, Hashable {
    /// Never; significant children are not allowed.
    case never
    /// When any significant child ends by itself and is not restarted.
    case anySignificant
    /// When all significant children have ended by themselves.
    case allSignificant
}

/// Exponential backoff between restarts, with jitter and a reset.
public struct Backoff: Sendable, Hashable {
    /// The delay before the first restart.
    public var initialDelay: Duration
    /// No delay exceeds this.
    public var maximumDelay: Duration
    /// Each further consecutive restart of the same child multiplies the delay by this.
    public var multiplier: Double
    /// 0 … 1: a random fraction up to this much is taken off each delay (0 = deterministic).
    public var jitter: Double
    /// A child that stayed ready at least this long before failing starts over at
    /// `initialDelay`. Nil never resets.
    public var resetAfter: Duration?
    /// Seeds the jitter's random numbers, for reproducible delays; nil picks a random seed.
    public var seed: UInt64?

    /// A backoff policy.
    public init(
        initialDelay: Duration,
        maximumDelay: Duration,
        multiplier: Double = 2,
        jitter: Double = 0,
        resetAfter: Duration? = nil,
        seed: UInt64? = nil
    ) {
        precondition(initialDelay >= .zero, "initialDelay must not be negative")
        precondition(maximumDelay >= initialDelay, "maximumDelay must be at least initialDelay")
        precondition(multiplier >= 1, "multiplier must be at least 1")
        precondition(jitter >= 0, "jitter must be at least 0")
        precondition(jitter <= 1, "jitter must be at most 1")
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = multiplier
        self.jitter = jitter
        self.resetAfter = resetAfter
        self.seed = seed
    }

    /// The delay before restart number `attempt` (1 for the first consecutive restart), before
    /// jitter: min(maximumDelay, initialDelay × multiplier^(attempt − 1)).
    public func baseDelay(attempt: Int) -> Duration {
        precondition(attempt >= 1, "restart attempts count from 1")
        let maximumNanoseconds = maximumDelay.nanoseconds
        var nanoseconds = initialDelay.nanoseconds
        var step = 1
        // Bounded: stops at the cap, which a multiplier > 1 reaches in well under 200 steps.
        while step < attempt && nanoseconds < maximumNanoseconds && step < 1_000 {
            nanoseconds *= multiplier
            step += 1
        }
        return .nanoseconds(Int64(min(nanoseconds, maximumNanoseconds)))
    }

    /// The delay with jitter applied: baseDelay × (1 − jitter × u), u uniform in [0, 1).
    func delay(attempt: Int, using random: inout SplitMix64) -> Duration {
        let base = baseDelay(attempt: attempt).nanoseconds
        let fraction = jitter == 0 ? 0 : jitter * random.nextUnitInterval()
        return .nanoseconds(Int64(base * (1 - fraction)))
    }
}

/// How a supervisor behaves and what it supervises.
public struct SupervisorSpec: Sendable {
    /// The root's path component (a nested supervisor's comes from its child id).
    public var name: String
    /// Which children restart when one fails.
    public var strategy: RestartStrategy
    /// At most this many restarts within `period`; one more stops all children and fails
    /// the supervisor. OTP's default is 1.
    public var intensity: Int
    /// The sliding window for `intensity`. OTP's default is 5 s.
    public var period: Duration
    /// Delay between a failure and the restart; nil restarts at once (as OTP).
    public var backoff: Backoff?
    /// When significant children stop the supervisor.
    public var autoShutdown: AutoShutdown
    /// Children in start order; stopped in reverse.
    public var children: [ChildSpec]
    /// Upper bound on the number of children, static and dynamic.
    public var maximumChildren: Int

    /// A supervisor spec.
    public init(
        name: String,
        strategy: RestartStrategy = .oneForOne,
        intensity: Int = 1,
        period: Duration = .seconds(5),
        backoff: Backoff? = nil,
        autoShutdown: AutoShutdown = .never,
        maximumChildren: Int = 10_000,
        children: [ChildSpec]
    ) {
        self.name = name
        self.strategy = strategy
        self.intensity = intensity
        self.period = period
        self.backoff = backoff
        self.autoShutdown = autoShutdown
        self.maximumChildren = maximumChildren
        self.children = children
    }
}

extension Duration {
    /// The duration in nanoseconds, as a Double (for backoff arithmetic).
    var nanoseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }
}

/// A small seedable generator (SplitMix64) so jittered backoff is reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// Uniform in [0, 1).
    mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
