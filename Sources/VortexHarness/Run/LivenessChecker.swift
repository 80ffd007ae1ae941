// The liveness rule (docs/user-guide.md, "Liveness") with the harness's additions: while a
// majority of the replicas are healthy (running, unpaused, past their start-up grace) and fully
// connected to each other in both directions, and no cluster-wide network fault is active (an
// "acceptable period"), some request must finish within the window (else exit 17) and no
// request may spend longer than the window inside the period (else 18) — counting the oldest
// request still in flight, not only finished ones. Replicas outside that majority count as
// faulty, so at most ⌊(n−1)/2⌋ are. Pure logic: time is passed in, measured from the run's start.

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

    /// Whether a replica's process counts as healthy at `now` (running, unpaused, past its
    /// start-up grace); whether it is also connected is the partition's question.
    public func isHealthy(_ replica: ReplicaLiveness, now: Duration) -> Bool {
        replica.state == .running && now - replica.startedAt >= startupGrace
    }

    /// The largest group of healthy replicas connected to each other in both directions under
    /// `network`'s partition; everyone else counts as faulty.
    public func connectedHealthyReplicas(
        _ replicas: [ReplicaLiveness],
        network: NetworkFaults,
        now: Duration
    ) -> [Int] {
        let healthy = replicas.indices.filter { isHealthy(replicas[$0], now: now) }
        return Connectivity.largestConnectedGroup(of: healthy, cut: network.cutLinks)
    }

    /// Whether `now`'s state makes an acceptable period: a majority healthy and connected, no
    /// cluster-wide network fault.
    public func isAcceptable(
        _ replicas: [ReplicaLiveness],
        network: NetworkFaults,
        now: Duration
    ) -> Bool {
        let connected = connectedHealthyReplicas(replicas, network: network, now: now)
        return replicas.count - connected.count <= faultyReplicasTolerated
            && !network.hasClusterWideFaults
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
        if isAcceptable(replicas, network: network, now: now) {
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
