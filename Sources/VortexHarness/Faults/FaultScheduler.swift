// The fault scheduler: exactly one weighted draw per tick from the seeded PRNG over the actions
// enabled in the observed state (docs/user-guide.md, "Faults"), then the target and parameters of
// the chosen action from the same PRNG. It is a pure function of seed + observed states: the same
// seed and the same sequence of states give the same decisions. Optionally it bounds the number
// of faulty replicas (the original does not; its 2024 version allowed one at a time).

import Workload

/// Decides one fault action per tick.
public struct FaultScheduler: Sendable {
    /// The weight of every action.
    public let weights: FaultWeights
    /// At most this many replicas paused, terminated or isolated at once; nil for no bound (the
    /// original's behaviour).
    public let faultyReplicasMax: Int?
    private var random: VortexRandom

    /// Delay range of the original: U[10, 500] ms, jitter min(delay, 50) ms.
    public static let delayRangeMs = 10...500
    /// Jitter cap of the original.
    public static let jitterMaxMs = 50
    /// Corruption range of the original: 1–10 %.
    public static let corruptionRangePercent = 1...10
    /// Loss range (netem): 1–10 %.
    public static let lossRangePercent = 1...10

    /// Creates a scheduler.
    ///
    /// - Parameters:
    ///   - seed: the scheduler's own seed (derived from the run seed).
    ///   - weights: the weight of every action.
    ///   - faultyReplicasMax: a bound on simultaneously faulty replicas, or nil.
    public init(seed: UInt64, weights: FaultWeights, faultyReplicasMax: Int? = nil) {
        precondition(faultyReplicasMax.map { $0 >= 0 } ?? true, "bound is not negative")
        self.weights = weights
        self.faultyReplicasMax = faultyReplicasMax
        self.random = VortexRandom(seed: seed)
    }

    /// Whether `kind` can happen in `cluster`.
    public func isEnabled(_ kind: FaultKind, in cluster: ObservedCluster) -> Bool {
        let roomForFaulty = faultyReplicasMax.map { cluster.faultyReplicaCount < $0 } ?? true
        let network = cluster.network
        switch kind {
        case .none, .heal: return true
        case .terminate, .pause:
            return roomForFaulty && !cluster.replicas(in: .running).isEmpty
        case .restart: return !cluster.replicas(in: .terminated).isEmpty
        case .resume: return !cluster.replicas(in: .paused).isEmpty
        case .delay: return network.delay == nil
        case .corrupt: return network.corruptionPercent == nil
        case .loss: return network.lossPercent == nil
        case .isolate:
            return roomForFaulty && network.isolatedReplica == nil
                && !isolationCandidates(cluster).isEmpty
        case .networkHeal: return !network.isHealed
        }
    }

    /// Isolating a replica that is already down would not add a fault; only running ones.
    private func isolationCandidates(_ cluster: ObservedCluster) -> [Int] {
        cluster.replicas(in: .running)
    }

    /// Draws this tick's action; nil means `none` (nothing to do).
    public mutating func decide(_ cluster: ObservedCluster) -> FaultDecision? {
        let enabled = FaultKind.allCases.filter { weights[$0] > 0 && isEnabled($0, in: cluster) }
        let total = enabled.reduce(0) { $0 + weights[$1] }
        guard total > 0 else { return nil }
        var pick = Int(random.uniform(below: UInt64(total)))
        var chosen = FaultKind.none
        for kind in enabled {
            if pick < weights[kind] {
                chosen = kind
                break
            }
            pick -= weights[kind]
        }
        return decision(for: chosen, in: cluster)
    }

    private mutating func decision(
        for kind: FaultKind,
        in cluster: ObservedCluster
    ) -> FaultDecision? {
        switch kind {
        case .none: return nil
        case .terminate:
            return .terminate(replica: random.element(of: cluster.replicas(in: .running)))
        case .restart:
            return .restart(replica: random.element(of: cluster.replicas(in: .terminated)))
        case .pause: return .pause(replica: random.element(of: cluster.replicas(in: .running)))
        case .resume: return .resume(replica: random.element(of: cluster.replicas(in: .paused)))
        case .delay:
            let delayMs = random.uniform(in: Self.delayRangeMs)
            return .delay(DelayFault(delayMs: delayMs, jitterMs: min(delayMs, Self.jitterMaxMs)))
        case .corrupt: return .corrupt(percent: random.uniform(in: Self.corruptionRangePercent))
        case .loss: return .loss(percent: random.uniform(in: Self.lossRangePercent))
        case .isolate: return .isolate(replica: random.element(of: isolationCandidates(cluster)))
        case .networkHeal: return .networkHeal
        case .heal: return .heal
        }
    }
}
