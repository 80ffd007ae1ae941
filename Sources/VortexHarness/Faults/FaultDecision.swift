// What the fault scheduler decided on one tick, and the state it decides from. Decisions are
// plain values so the schedule can be logged with monotonic timestamps (faults.jsonl, trace,
// vortex.log) and compared between runs of the same seed.

/// The process state of a replica as the fault scheduler sees it.
public enum ReplicaFaultState: String, Sendable, Hashable, Codable {
    /// Running (possibly still starting up).
    case running
    /// Stopped with SIGSTOP.
    case paused
    /// Killed and reaped.
    case terminated
}

/// The cluster state the scheduler decides from.
public struct ObservedCluster: Sendable, Hashable {
    /// Each replica's process state.
    public var replicas: [ReplicaFaultState]
    /// The active network faults.
    public var network: NetworkFaults

    /// A cluster of `replicaCount` running replicas and a healed network.
    public init(replicaCount: Int) {
        precondition(replicaCount >= 1, "a cluster has at least one replica")
        replicas = Array(repeating: .running, count: replicaCount)
        network = .healed
    }

    /// Indices of the replicas in `state`.
    public func replicas(in state: ReplicaFaultState) -> [Int] {
        replicas.indices.filter { replicas[$0] == state }
    }

    /// Replicas that are paused, terminated, or running outside the largest group of running
    /// replicas connected to each other in both directions.
    public var faultyReplicaCount: Int {
        let connected = Connectivity.largestConnectedGroup(
            of: replicas(in: .running),
            cut: network.cutLinks
        )
        return replicas.count - connected.count
    }

    /// Applies a decision as if it took effect at once (the executor does the same after the
    /// real action succeeded).
    public mutating func apply(_ decision: FaultDecision) {
        switch decision {
        case .terminate(let replica):
            precondition(replicas[replica] != .terminated, "terminate a live replica")
            replicas[replica] = .terminated
        case .restart(let replica):
            precondition(replicas[replica] == .terminated, "restart a terminated replica")
            replicas[replica] = .running
        case .pause(let replica):
            precondition(replicas[replica] == .running, "pause a running replica")
            replicas[replica] = .paused
        case .resume(let replica):
            precondition(replicas[replica] == .paused, "resume a paused replica")
            replicas[replica] = .running
        case .delay(let delay): network.delay = delay
        case .corrupt(let percent): network.corruptionPercent = percent
        case .loss(let percent): network.lossPercent = percent
        case .isolate(let replica):
            network.partition = .isolating(replica, replicaCount: replicas.count)
        case .partition(let partition): network.partition = partition
        case .linkDelay(let link, let delay):
            network.linkFaults[link, default: LinkFault()].delay = delay
        case .linkLoss(let link, let percent):
            network.linkFaults[link, default: LinkFault()].lossPercent = percent
        case .bandwidth(let bytesPerSecond): network.bandwidthBytesPerSecond = bytesPerSecond
        case .reset: break
        case .clog: network.clogged = true
        case .duplicate(let percent): network.duplicationPercent = percent
        case .reorder(let percent): network.reorderPercent = percent
        case .networkHeal: network = .healed
        case .heal:
            network = .healed
            replicas = replicas.map { _ in .running }
        }
    }
}

/// One action of the fault scheduler.
public enum FaultDecision: Sendable, Hashable, CustomStringConvertible {
    /// SIGKILL replica and wait for it.
    case terminate(replica: Int)
    /// Start a terminated replica again.
    case restart(replica: Int)
    /// SIGSTOP a replica.
    case pause(replica: Int)
    /// SIGCONT a paused replica.
    case resume(replica: Int)
    /// Delay all traffic.
    case delay(DelayFault)
    /// Corrupt a percentage of all traffic.
    case corrupt(percent: Int)
    /// Lose a percentage of all packets.
    case loss(percent: Int)
    /// Cut one replica off from the other replicas.
    case isolate(replica: Int)
    /// Cut the links of a partition of another shape than isolation.
    case partition(Partition)
    /// Delay what one replica sends to another.
    case linkDelay(ReplicaLink, DelayFault)
    /// Lose a percentage of what one replica sends to another.
    case linkLoss(ReplicaLink, percent: Int)
    /// Limit the bandwidth of all traffic.
    case bandwidth(bytesPerSecond: Int)
    /// Reset every connection of a replica.
    case reset(replica: Int)
    /// Stall all traffic.
    case clog
    /// Send a percentage of all packets twice.
    case duplicate(percent: Int)
    /// Send a percentage of all packets ahead of the others.
    case reorder(percent: Int)
    /// Clear every network fault.
    case networkHeal
    /// Clear network faults, resume paused and restart terminated replicas.
    case heal

    /// The action's kind.
    public var kind: FaultKind {
        switch self {
        case .terminate: .terminate
        case .restart: .restart
        case .pause: .pause
        case .resume: .resume
        case .delay: .delay
        case .corrupt: .corrupt
        case .loss: .loss
        case .isolate: .isolate
        case .partition(let partition): partition.shape.faultKind
        case .linkDelay: .linkDelay
        case .linkLoss: .linkLoss
        case .bandwidth: .bandwidth
        case .reset: .reset
        case .clog: .clog
        case .duplicate: .duplicate
        case .reorder: .reorder
        case .networkHeal: .networkHeal
        case .heal: .heal
        }
    }

    /// The replica the action targets, if any.
    public var replica: Int? {
        switch self {
        case .terminate(let replica), .restart(let replica), .pause(let replica),
            .resume(let replica), .isolate(let replica), .reset(let replica):
            replica
        default: nil
        }
    }

    /// One line for the log: `terminate replica=1`, `delay delay_ms=120 jitter_ms=50`,
    /// `partition-halves cut=0→1,1→0`.
    public var description: String {
        switch self {
        case .delay(let delay):
            "delay delay_ms=\(delay.delayMs) jitter_ms=\(delay.jitterMs)"
        case .corrupt(let percent), .loss(let percent), .duplicate(let percent),
            .reorder(let percent):
            "\(kind.rawValue) percent=\(percent)"
        case .partition(let partition):
            "\(kind.rawValue) cut=\(Self.describe(partition.sortedCut))"
        case .linkDelay(let link, let delay):
            "link-delay link=\(link) delay_ms=\(delay.delayMs) jitter_ms=\(delay.jitterMs)"
        case .linkLoss(let link, let percent): "link-loss link=\(link) percent=\(percent)"
        case .bandwidth(let bytesPerSecond): "bandwidth bytes_per_second=\(bytesPerSecond)"
        default:
            replica.map { "\(kind.rawValue) replica=\($0)" } ?? kind.rawValue
        }
    }

    /// `0→1,1→0`.
    static func describe(_ links: [ReplicaLink]) -> String {
        links.map(\.description).joined(separator: ",")
    }
}
