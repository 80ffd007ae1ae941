// The fault scheduler: exactly one weighted draw per tick from the seeded PRNG over the actions
// enabled in the observed state (docs/user-guide.md, "Faults"), then the target and parameters of
// the chosen action from the same PRNG. It is a pure function of seed + observed states: the same
// seed and the same sequence of states give the same decisions. It bounds the number of faulty
// replicas (`--faulty-max`; the original does not, its 2024 version allowed one at a time):
// terminate and pause only while a replica more may be faulty, a partition shape only when the
// replicas it leaves outside a connected majority, plus those not running, fit the bound.

import Workload

/// Decides one fault action per tick.
public struct FaultScheduler: Sendable {
    /// The weight of every action.
    public let weights: FaultWeights
    /// At most this many replicas paused, terminated or outside the largest connected group at
    /// once; nil for no bound (the original's behaviour).
    public let faultyReplicasMax: Int?
    private var random: VortexRandom

    /// Delay range of the original: U[10, 500] ms, jitter min(delay, 50) ms.
    public static let delayRangeMs = 10...500
    /// Jitter cap of the original.
    public static let jitterMaxMs = 50
    /// Corruption range of the original: 1–10 %.
    public static let corruptionRangePercent = 1...10
    /// Loss range (netem): 1–10 %, on all traffic or on one link.
    public static let lossRangePercent = 1...10
    /// Bandwidth limit range: 32 KiB/s to 1 MiB/s, in KiB/s.
    public static let bandwidthRangeKiBPerSecond = 32...1_024
    /// Duplication range (netem): 1–10 %.
    public static let duplicationRangePercent = 1...10
    /// Reordering range (netem): 1–10 % of packets sent ahead of the others.
    public static let reorderRangePercent = 1...10

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
        let network = cluster.network
        let replicaCount = cluster.replicas.count
        if let shape = kind.partitionShape {
            guard network.partition == nil,
                replicaCount >= PartitionShapes.replicaCountMin(shape)
            else { return false }
            guard let faultyReplicasMax else { return true }
            // An upper bound: the shape's own count plus every replica not running.
            let notRunning = replicaCount - cluster.replicas(in: .running).count
            let faulty = PartitionShapes.faultyReplicaCount(shape, replicaCount: replicaCount)
            return notRunning + faulty <= faultyReplicasMax
        }
        switch kind {
        case .none, .heal: return true
        case .terminate, .pause:
            let roomForFaulty = faultyReplicasMax.map { cluster.faultyReplicaCount < $0 } ?? true
            return roomForFaulty && !cluster.replicas(in: .running).isEmpty
        case .restart: return !cluster.replicas(in: .terminated).isEmpty
        case .resume: return !cluster.replicas(in: .paused).isEmpty
        case .delay: return network.delay == nil
        case .corrupt: return network.corruptionPercent == nil
        case .loss: return network.lossPercent == nil
        case .linkDelay: return replicaCount >= 2 && network.delayedLink == nil
        case .linkLoss: return replicaCount >= 2 && network.lossyLink == nil
        case .bandwidth: return network.bandwidthBytesPerSecond == nil
        case .reset: return !cluster.replicas(in: .running).isEmpty
        case .clog: return !network.clogged
        case .duplicate: return network.duplicationPercent == nil
        case .reorder: return network.reorderPercent == nil
        case .networkHeal: return !network.isHealed
        case .isolate, .partitionHalves, .partitionBridge, .partitionRing, .partitionOneWay,
            .partitionLink:
            preconditionFailure("partition shapes are decided above")
        }
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
        case .isolate, .partitionHalves, .partitionBridge, .partitionRing, .partitionOneWay,
            .partitionLink:
            guard let shape = kind.partitionShape else { preconditionFailure("a shape") }
            let partition = PartitionShapes.draw(
                shape,
                replicaCount: cluster.replicas.count,
                random: &random
            )
            guard shape == .isolate else { return .partition(partition) }
            guard let replica = partition.isolatedReplica(replicaCount: cluster.replicas.count)
            else { preconditionFailure("an isolation isolates a replica") }
            return .isolate(replica: replica)
        case .linkDelay:
            let link = random.element(of: ReplicaLink.all(among: Array(cluster.replicas.indices)))
            let delayMs = random.uniform(in: Self.delayRangeMs)
            return .linkDelay(
                link,
                DelayFault(delayMs: delayMs, jitterMs: min(delayMs, Self.jitterMaxMs))
            )
        case .linkLoss:
            let link = random.element(of: ReplicaLink.all(among: Array(cluster.replicas.indices)))
            return .linkLoss(link, percent: random.uniform(in: Self.lossRangePercent))
        case .bandwidth:
            let kibPerSecond = random.uniform(in: Self.bandwidthRangeKiBPerSecond)
            return .bandwidth(bytesPerSecond: kibPerSecond * 1_024)
        case .reset: return .reset(replica: random.element(of: cluster.replicas(in: .running)))
        case .clog: return .clog
        case .duplicate:
            return .duplicate(percent: random.uniform(in: Self.duplicationRangePercent))
        case .reorder: return .reorder(percent: random.uniform(in: Self.reorderRangePercent))
        case .networkHeal: return .networkHeal
        case .heal: return .heal
        }
    }
}
