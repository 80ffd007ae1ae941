// The netem network backend: tc/netem qdiscs on the loopback link of the run's network namespace,
// configured over netlink (Netem). Every replica is one target of the shaper (an HTB class fed by
// u32 filters on its ports, as source or destination); cluster-wide delay, corruption and loss
// are netem parameters on every replica's target, and an isolated replica's target drops
// everything. The isolated replica's target is number 1 so its filters match first.

import Netem

/// Network faults through netem on the namespace's `lo`.
final class NetemNetwork: NetworkFaultBackend, Sendable {
    let capabilities = NetworkFaultCapabilities(
        delay: true,
        corruption: true,
        loss: true,
        isolation: true
    )
    private let shaper: LinkShaper
    private let replicaPorts: [[UInt16]]

    /// Opens the shaper on `lo`; throws a one-line error when the kernel has no netem.
    init(layout: ClusterLayout) throws {
        let socket = try RouteSocket(namespace: .current)
        let link = try socket.link(named: "lo")
        let support = try KernelSupport.probe(socket: socket, link: link)
        try support.requireNetemBackend()
        self.shaper = LinkShaper(socket: socket, link: link)
        self.replicaPorts = (0..<layout.replicaCount).map { replica in
            layout.portNames.map { UInt16(layout.realPort($0, replica: replica)) }
        }
    }

    func apply(_ faults: NetworkFaults) async throws {
        try shaper.removeAll()
        guard !faults.isHealed else { return }
        let cluster = NetemParameters(
            delayMs: Double(faults.delay?.delayMs ?? 0),
            jitterMs: Double(faults.delay?.jitterMs ?? 0),
            loss: .random(percent: Double(faults.lossPercent ?? 0)),
            corruptionPercent: Double(faults.corruptionPercent ?? 0)
        )
        var nextTarget: UInt16 = 2
        for replica in replicaPorts.indices {
            let matches = replicaPorts[replica].flatMap { port in
                [PacketMatch.destinationPort(port), .sourcePort(port)]
            }
            if faults.isolatedReplica == replica {
                try shaper.setTargetNetem(.dropEverything, target: 1, matching: matches)
            } else if faults.hasClusterWideFaults {
                try shaper.setTargetNetem(cluster, target: nextTarget, matching: matches)
                nextTarget += 1
            }
        }
    }

    /// Removes every qdisc the backend added.
    func stop() {
        try? shaper.removeAll()
    }
}
