// The stand-in cluster whose partitions `vortex partition-check` checks and times, and the
// partition benchmark (Benchmarks/PartitionBenchmarks) times: in the caller's network namespace
// each of n stand-in replicas gets its own host (ReplicaHosts) and a listener on its real port,
// behind the real backend (the proxies, or netem on the hosts' interfaces). One home for that
// set-up, for the partition each shape draws, and for the apply/heal timing, so the check and the
// benchmark measure the same thing. The caller must be in a network namespace of its own (with
// CAP_NET_ADMIN there): the hosts add a bridge and veth pairs to it.

import Foundation
import Netem
import Workload

/// Stand-in replicas on their own hosts behind a started network backend.
public final class PartitionStandIn: Sendable {
    /// The one port of the stand-in replicas.
    static let portName = "peer"

    /// The backend whose partitions are applied.
    public let backend: FaultBackendKind
    let hosts: ReplicaHosts
    let layout: ClusterLayout
    /// Replica i's listener on its real port, inside its namespace.
    let servers: [CheckSocket]
    let network: any NetworkBackend

    /// Gives `replicaCount` replicas their hosts and listeners and starts `backend` in front of
    /// them. Call `stop()` when done.
    /// - Throws: when the kernel refuses the hosts (no bridge/veth, no CAP_NET_ADMIN) or the
    ///   backend (no netem).
    public init(backend: FaultBackendKind, replicaCount: Int) async throws {
        precondition(backend != .none, "a backend that partitions")
        precondition((2...ClusterLayout.replicaCountMax).contains(replicaCount), "2...6")
        let hosts = try ReplicaHosts(replicaCount: replicaCount)
        let layout = ClusterLayout(
            replicaCount: replicaCount,
            portNames: [Self.portName],
            proxiedPortNames: backend == .proxy ? [Self.portName] : []
        )
        let network: any NetworkBackend =
            backend == .proxy
            ? ProxyNetwork(layout: layout, corruptiblePorts: [], seed: 1)
            : try NetemNetwork(hosts: hosts)
        try await network.start()
        var servers: [CheckSocket] = []
        do {
            for replica in 0..<replicaCount {
                let server = CheckSocket(
                    descriptor: try hosts.namespaces[replica].openTCPSocket()
                )
                servers.append(server)
                try server.listen(
                    host: layout.host(replica: replica),
                    port: layout.realPort(Self.portName, replica: replica)
                )
            }
        } catch {
            await network.stop()
            for server in servers { server.close() }
            throw error
        }
        self.backend = backend
        self.hosts = hosts
        self.layout = layout
        self.servers = servers
        self.network = network
    }

    /// How many stand-in replicas there are.
    public var replicaCount: Int { layout.replicaCount }

    /// The shapes `replicaCount` replicas can take, isolation (the baseline) first.
    public static func shapes(replicaCount: Int) -> [PartitionShape] {
        PartitionShape.allCases.filter { replicaCount >= PartitionShapes.replicaCountMin($0) }
    }

    /// The partition of `shape` that is checked and timed: drawn from a fixed seed per shape,
    /// so every run cuts the same links.
    public func partition(_ shape: PartitionShape) -> Partition {
        guard let index = PartitionShape.allCases.firstIndex(of: shape) else {
            preconditionFailure("every shape is among allCases")
        }
        var random = VortexRandom(seed: UInt64(index + 1))
        return PartitionShapes.draw(shape, replicaCount: replicaCount, random: &random)
    }

    /// Applies `partition` through the backend; returns once it holds.
    public func apply(_ partition: Partition) async throws {
        try await network.apply(NetworkFaults(partition: partition))
    }

    /// Heals every link through the backend; returns once they all carry again.
    public func heal() async throws {
        try await network.apply(.healed)
    }

    /// The p50 in milliseconds of applying `partition` and of healing it, over `rounds` pairs.
    public func timeP50(
        _ partition: Partition,
        rounds: Int
    ) async throws -> (applyMs: Double, healMs: Double) {
        precondition(rounds >= 0 && rounds <= 100_000, "a bounded number of rounds")
        var applies: [Double] = []
        var heals: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<rounds {
            applies.append(
                Self.milliseconds(try await clock.measure { try await apply(partition) })
            )
            heals.append(Self.milliseconds(try await clock.measure { try await heal() }))
        }
        return (Self.median(applies), Self.median(heals))
    }

    /// Stops the backend (healing and removing what it set up) and closes the listeners; the
    /// hosts go with the last reference.
    public func stop() async {
        await network.stop()
        for server in servers { server.close() }
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
