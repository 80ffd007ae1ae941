// Carries out the scheduler's decisions through two abstract ports: ReplicaControl (kill,
// restart, pause, resume replica i) and NetworkBackend (set the network faults: cluster-wide,
// per link, partitions; reset a replica's connections). The replica group and the proxy and
// netem backends implement them; tests use in-memory ones. The executor keeps the observed
// cluster state the scheduler decides from.

/// Process faults on replicas, by index.
public protocol ReplicaControl: Sendable {
    /// SIGKILL the replica and wait until it is reaped.
    func terminate(replica: Int) async throws
    /// Start a terminated replica again (its start command, no prepare step).
    func restart(replica: Int) async throws
    /// SIGSTOP the replica.
    func pause(replica: Int) async throws
    /// SIGCONT the replica.
    func resume(replica: Int) async throws
}

/// Applies fault decisions and tracks the resulting cluster state.
public struct FaultExecutor: Sendable {
    /// The state after every decision applied so far.
    public private(set) var cluster: ObservedCluster
    private let replicas: any ReplicaControl
    private let network: (any NetworkBackend)?

    /// Creates an executor for a cluster whose replicas all run and whose network is healed.
    ///
    /// - Parameters:
    ///   - replicaCount: the number of replicas.
    ///   - replicas: carries out process faults.
    ///   - network: carries out network faults; nil when the run has no network backend.
    public init(
        replicaCount: Int,
        replicas: any ReplicaControl,
        network: (any NetworkBackend)?
    ) {
        self.cluster = ObservedCluster(replicaCount: replicaCount)
        self.replicas = replicas
        self.network = network
    }

    /// Carries out `decision`; the state changes only for the parts that succeeded.
    public mutating func execute(_ decision: FaultDecision) async throws {
        switch decision {
        case .terminate(let replica):
            precondition(cluster.replicas[replica] != .terminated, "terminate a live replica")
            try await replicas.terminate(replica: replica)
            cluster.apply(decision)
        case .restart(let replica):
            precondition(cluster.replicas[replica] == .terminated, "restart a terminated replica")
            try await replicas.restart(replica: replica)
            cluster.apply(decision)
        case .pause(let replica):
            precondition(cluster.replicas[replica] == .running, "pause a running replica")
            try await replicas.pause(replica: replica)
            cluster.apply(decision)
        case .resume(let replica):
            precondition(cluster.replicas[replica] == .paused, "resume a paused replica")
            try await replicas.resume(replica: replica)
            cluster.apply(decision)
        case .reset(let replica):
            guard let network else { preconditionFailure("a reset needs a network backend") }
            try await network.resetConnections(replica: replica)
        case .delay, .corrupt, .loss, .isolate, .partition, .linkDelay, .linkLoss, .bandwidth,
            .clog, .duplicate, .reorder, .networkHeal:
            var next = cluster
            next.apply(decision)
            try await applyNetwork(next.network)
            cluster = next
        case .heal:
            try await applyNetwork(.healed)
            cluster.network = .healed
            for replica in cluster.replicas(in: .paused) {
                try await replicas.resume(replica: replica)
                cluster.replicas[replica] = .running
            }
            for replica in cluster.replicas(in: .terminated) {
                try await replicas.restart(replica: replica)
                cluster.replicas[replica] = .running
            }
        }
    }

    private func applyNetwork(_ faults: NetworkFaults) async throws {
        guard let network else {
            precondition(faults.isHealed, "network faults need a network backend")
            return
        }
        guard faults != cluster.network else { return }
        try await network.apply(faults)
    }
}
