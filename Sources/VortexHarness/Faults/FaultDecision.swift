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

    /// Replicas that are paused, terminated or isolated.
    public var faultyReplicaCount: Int {
        let notRunning = replicas.filter { $0 != .running }.count
        guard let isolated = network.isolatedReplica, replicas[isolated] == .running else {
            return notRunning
        }
        return notRunning + 1
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
        case .isolate(let replica): network.isolatedReplica = replica
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
    /// Cut one replica off the network.
    case isolate(replica: Int)
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
        case .networkHeal: .networkHeal
        case .heal: .heal
        }
    }

    /// The replica the action targets, if any.
    public var replica: Int? {
        switch self {
        case .terminate(let replica), .restart(let replica), .pause(let replica),
            .resume(let replica), .isolate(let replica):
            replica
        default: nil
        }
    }

    /// One line for the log: `terminate replica=1`, `delay delay_ms=120 jitter_ms=50`.
    public var description: String {
        switch self {
        case .delay(let delay):
            "delay delay_ms=\(delay.delayMs) jitter_ms=\(delay.jitterMs)"
        case .corrupt(let percent): "corrupt percent=\(percent)"
        case .loss(let percent): "loss percent=\(percent)"
        default:
            replica.map { "\(kind.rawValue) replica=\($0)" } ?? kind.rawValue
        }
    }
}
