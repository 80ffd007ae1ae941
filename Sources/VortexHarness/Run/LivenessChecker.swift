// The liveness rule (docs/user-guide.md, "Liveness") with the harness's two additions: while at most
// ⌊(n−1)/2⌋ replicas are faulty and no cluster-wide network fault is active (an "acceptable
// period"), some request must finish within the window (else exit 17) and no request may spend
// longer than the window inside the period (else 18) — counting the oldest request still in
// flight, not only finished ones — and a replica started less than the start-up grace ago does
// not count as healthy yet. Pure logic: time is passed in, measured from the run's start.

/// Why liveness failed.
public enum LivenessViolation: Sendable, Hashable, CustomStringConvertible {
    /// No request finished within the window of an acceptable period (exit 17).
    case noProgress(periodStart: Duration, now: Duration)
    /// A finished request spent longer than the window inside an acceptable period (exit 18).
    case slowRequest(spent: Duration)
    /// The oldest request in flight has spent longer than the window inside an acceptable
    /// period (exit 18).
    case stuckRequest(spent: Duration)

    /// The exit reason of the violation.
    public var outcome: RunOutcome {
        switch self {
        case .noProgress: .liveness
        case .slowRequest, .stuckRequest: .requestSlow
        }
    }

    /// One line for the log and the verdict.
    public var description: String {
        switch self {
        case .noProgress(let periodStart, let now):
            "no request finished in \(DurationSyntax.formatMilliseconds(now - periodStart)) of tolerable faults"
        case .slowRequest(let spent):
            "a request took \(DurationSyntax.formatMilliseconds(spent)) during tolerable faults"
        case .stuckRequest(let spent):
            "a request has been in flight for \(DurationSyntax.formatMilliseconds(spent)) during tolerable faults"
        }
    }
}

/// What the liveness checker needs to know about one replica.
public struct ReplicaLiveness: Sendable, Hashable {
    /// Its process state.
    public var state: ReplicaFaultState
    /// When it was last started (time since the run's start).
    public var startedAt: Duration

    /// Creates a replica's liveness facts.
    public init(state: ReplicaFaultState, startedAt: Duration) {
        self.state = state
        self.startedAt = startedAt
    }
}

/// Tracks acceptable periods and judges progress in them.
public struct LivenessChecker: Sendable {
    /// The longest an acceptable period may go without progress (the original: 180 s).
    public let window: Duration
    /// How long a started replica needs before it counts as healthy.
    public let startupGrace: Duration
    /// How many faulty replicas the cluster must tolerate: ⌊(n−1)/2⌋.
    public let faultyReplicasTolerated: Int
    /// When the current acceptable period started, or nil outside one.
    public private(set) var periodStart: Duration?
    /// Requests finished inside the current period.
    public private(set) var finishedInPeriod = 0
    private var pendingViolation: LivenessViolation?
    /// The longest an acceptable period waited for its first finished request (the time the
    /// cluster took to recover from tolerable faults), over the run so far.
    public private(set) var longestRecovery: Duration = .zero

    /// Creates a checker.
    public init(window: Duration, startupGrace: Duration, replicaCount: Int) {
        precondition(window > .zero, "the window is positive")
        precondition(startupGrace >= .zero, "the grace is not negative")
        precondition(replicaCount >= 1, "a cluster has at least one replica")
        self.window = window
        self.startupGrace = startupGrace
        self.faultyReplicasTolerated = (replicaCount - 1) / 2
    }

    /// Records a finished request (times since the run's start).
    public mutating func requestFinished(start: Duration, end: Duration) {
        precondition(start <= end, "a request ends after it starts")
        guard let periodStart, end >= periodStart else { return }
        if finishedInPeriod == 0 {
            longestRecovery = max(longestRecovery, end - periodStart)
        }
        finishedInPeriod += 1
        let spent = end - max(start, periodStart)
        if spent > window && pendingViolation == nil {
            pendingViolation = .slowRequest(spent: spent)
        }
    }

    /// Whether a replica counts as healthy at `now`.
    public func isHealthy(_ replica: ReplicaLiveness, isolated: Bool, now: Duration) -> Bool {
        replica.state == .running && !isolated && now - replica.startedAt >= startupGrace
    }

    /// Judges the period so far, then starts or ends the acceptable period for `now`'s state.
    ///
    /// - Parameters:
    ///   - now: time since the run's start.
    ///   - replicas: every replica's state and last start.
    ///   - network: the active network faults.
    ///   - oldestInFlightStart: when the oldest request still in flight started, or nil.
    /// - Returns: the first violation found, or nil.
    public mutating func check(
        now: Duration,
        replicas: [ReplicaLiveness],
        network: NetworkFaults,
        oldestInFlightStart: Duration?
    ) -> LivenessViolation? {
        if let periodStart {
            if now - periodStart > window && finishedInPeriod == 0 {
                return .noProgress(periodStart: periodStart, now: now)
            }
            if let pendingViolation { return pendingViolation }
            if let oldestInFlightStart {
                let spent = now - max(oldestInFlightStart, periodStart)
                if spent > window { return .stuckRequest(spent: spent) }
            }
        }
        let healthy = replicas.indices.filter { index in
            isHealthy(replicas[index], isolated: network.isolatedReplica == index, now: now)
        }.count
        let acceptable =
            replicas.count - healthy <= faultyReplicasTolerated && !network.hasClusterWideFaults
        if acceptable {
            if periodStart == nil {
                periodStart = now
                finishedInPeriod = 0
                pendingViolation = nil
            }
        } else if periodStart != nil {
            periodStart = nil
            finishedInPeriod = 0
            pendingViolation = nil
        }
        return nil
    }
}
