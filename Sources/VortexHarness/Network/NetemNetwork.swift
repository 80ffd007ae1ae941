// The netem network backend: tc/netem qdiscs configured over netlink (Netem) where each packet
// leaves its sender. Every replica is its own host (ReplicaHosts), so a packet replica i sends
// leaves through i's own interface, and one the run's namespace (the driver) sends to a replica
// leaves through the bridge: one shaper on each. On sender i's shaper, target j + 1 matches the
// packets addressed to replica j's host (the link i → j) and a catch-all target the rest; the
// bridge's shaper has the catch-all only, since partitions cut links between replicas alone.
//
// A cut link's target drops everything; a link delay or loss is netem on its target, on top of
// the cluster-wide faults; cluster-wide delay, corruption, loss, rate and reordering are netem on
// every other target, and a clog drops everything there (connections stay open; TCP retransmits
// once it lifts). Duplication is not offered: the kernel refuses a duplicating netem beside the
// other netems of an interface.
//
// Every target stands from `start` to `stop`, passing everything (a netem without parameters)
// while its link has no fault, and its address never changes: applying or healing any set of
// faults is an in-place netem change (no gap, queued packets kept) on the
// targets whose parameters differ, all of a shaper's in one netlink round trip, and nothing else.
// From the moment `apply` returns a cut link carries nothing, on connections old or new, with no
// rescan.

import Netem
import Synchronization

/// Network faults through netem on every replica's interface and the run's bridge.
final class NetemNetwork: NetworkBackend, Sendable {
    /// The target of everything a shaper sends that no link target matches.
    static let catchAllTarget = UInt16(ClusterLayout.replicaCountMax + 1)
    /// The delay of the packets a reordering holds back when no cluster-wide delay is set.
    static let reorderDelayMs = 10.0

    /// What one shaper is told: each target's netem and matches.
    typealias Plan = [UInt16: PlannedTarget]

    /// One target of a plan.
    struct PlannedTarget: Sendable, Hashable {
        var parameters: NetemParameters
        var matches: [PacketMatch]
    }

    private struct State {
        /// The plan each shaper carries out now: replicas' first, the bridge's last.
        var plans: [Plan]
        var stopped = false
    }

    /// Replica i's shaper (what it sends), by index.
    private let replicaShapers: [any TrafficShaper]
    /// The bridge's shaper (what the run's namespace sends to the replicas).
    private let runShaper: any TrafficShaper
    private let state: Mutex<State>

    /// Probes the kernel, then shapes every replica's interface and the run's bridge.
    /// - Throws: a one-line `NetemError` when the kernel has no netem (or htb, u32).
    convenience init(hosts: ReplicaHosts) throws {
        let support = try KernelSupport.probe(
            socket: hosts.runSocket,
            link: try hosts.runSocket.link(named: "lo")
        )
        try support.requireNetemBackend()
        self.init(
            replicaShapers: hosts.replicaSockets.indices.map { replica in
                LinkShaper(
                    socket: hosts.replicaSockets[replica],
                    link: hosts.replicaInterfaces[replica]
                )
            },
            runShaper: LinkShaper(socket: hosts.runSocket, link: hosts.bridge)
        )
    }

    /// A backend over one shaper per replica (what it sends) and one for the run's namespace.
    init(replicaShapers: [any TrafficShaper], runShaper: any TrafficShaper) {
        precondition(
            (1...ClusterLayout.replicaCountMax).contains(replicaShapers.count),
            "a shaper per replica"
        )
        self.replicaShapers = replicaShapers
        self.runShaper = runShaper
        self.state = Mutex(State(plans: Array(repeating: [:], count: replicaShapers.count + 1)))
    }

    /// Replica `replica`'s shaper's targets and their matches (what the kernel was told).
    func targets(ofReplica replica: Int) -> [UInt16: [PacketMatch]] {
        replicaShapers[replica].targets
    }

    /// The bridge's shaper's targets and their matches.
    var runTargets: [UInt16: [PacketMatch]] {
        runShaper.targets
    }

    /// Puts every standing target in place, passing everything.
    func start() async throws {
        try await apply(.healed)
    }

    func counterLines() -> [String] { [] }

    /// Netem cannot reset connections (the capability table never lets the scheduler ask).
    func resetConnections(replica: Int) async throws {
        throw RunError("netem cannot reset connections; use --faults proxy")
    }

    func apply(_ faults: NetworkFaults) async throws {
        try state.withLock { state throws(NetemError) in
            guard !state.stopped else { return }
            let shapers = replicaShapers + [runShaper]
            for index in shapers.indices {
                let sender = index < replicaShapers.count ? index : nil
                let plan = Self.plan(faults, sender: sender, replicaCount: replicaShapers.count)
                try Self.carryOut(plan, on: shapers[index], replacing: &state.plans[index])
            }
        }
    }

    /// Heals and removes every qdisc the backend added; later faults are ignored.
    func stop() async {
        state.withLock { state in
            state.stopped = true
            for shaper in replicaShapers + [runShaper] {
                try? shaper.removeAll()
            }
            state.plans = state.plans.map { _ in [:] }
        }
    }

    /// Every target of the shaper of `sender` (a replica, or nil for the run's namespace) and
    /// its netem under `faults`.
    static func plan(_ faults: NetworkFaults, sender: Int?, replicaCount: Int) -> Plan {
        let cluster = clusterParameters(faults)
        var plan: Plan = [:]
        if let sender {
            for receiver in 0..<replicaCount where receiver != sender {
                let link = ReplicaLink(from: sender, to: receiver)
                var parameters = cluster
                if faults.cutLinks.contains(link) {
                    parameters = .dropEverything
                } else if let fault = faults.linkFaults[link] {
                    parameters = adding(fault, to: cluster)
                }
                guard let address = IPv4Address(ClusterLayout.replicaHost(receiver)) else {
                    preconditionFailure("a replica's host is an IPv4 address")
                }
                plan[UInt16(receiver + 1)] = PlannedTarget(
                    parameters: parameters,
                    matches: [.destinationAddress(address, prefixLength: 32)]
                )
            }
        }
        guard let everything = IPv4Address("0.0.0.0") else {
            preconditionFailure("0.0.0.0 is an IPv4 address")
        }
        plan[catchAllTarget] = PlannedTarget(
            parameters: cluster,
            matches: [.destinationAddress(everything, prefixLength: 0)]
        )
        return plan
    }

    /// The netem of the cluster-wide faults of `faults`.
    static func clusterParameters(_ faults: NetworkFaults) -> NetemParameters {
        if faults.clogged { return .dropEverything }
        var parameters = NetemParameters(
            delayMs: Double(faults.delay?.delayMs ?? 0),
            jitterMs: Double(faults.delay?.jitterMs ?? 0),
            loss: .random(percent: Double(faults.lossPercent ?? 0)),
            corruptionPercent: Double(faults.corruptionPercent ?? 0),
            duplicationPercent: Double(faults.duplicationPercent ?? 0),
            rateBytesPerSecond: faults.bandwidthBytesPerSecond.map { UInt64($0) }
        )
        if let reorderPercent = faults.reorderPercent {
            // Netem sends `reorderPercent` of the packets at once and delays the rest; gap 1
            // lets any packet be the one sent ahead.
            parameters.reorderPercent = Double(reorderPercent)
            parameters.reorderGap = 1
            parameters.delayMs = max(parameters.delayMs, Self.reorderDelayMs)
        }
        return parameters
    }

    /// `cluster` with one link's own delay added and its loss combined.
    private static func adding(_ fault: LinkFault, to cluster: NetemParameters) -> NetemParameters {
        guard cluster != .dropEverything else { return cluster }
        var parameters = cluster
        if let delay = fault.delay {
            parameters.delayMs += Double(delay.delayMs)
            parameters.jitterMs += Double(delay.jitterMs)
        }
        if let lossPercent = fault.lossPercent {
            // Lost by either: 1 − (1 − a)(1 − b).
            let clusterPercent: Double
            if case .random(let percent, _) = cluster.loss {
                clusterPercent = percent
            } else {
                clusterPercent = 0
            }
            let kept = (1 - clusterPercent / 100) * (1 - Double(lossPercent) / 100)
            parameters.loss = .random(percent: (1 - kept) * 100)
        }
        return parameters
    }

    /// Moves `shaper` from `current` to `plan`: a target whose netem differs changes in place
    /// (the first time, it is added: netem first, then its filter); a target that is no longer
    /// planned is removed.
    private static func carryOut(
        _ plan: Plan,
        on shaper: any TrafficShaper,
        replacing current: inout Plan
    ) throws(NetemError) {
        guard plan != current else { return }
        var changes: [UInt16: NetemParameters] = [:]
        for target in plan.keys.sorted() {
            guard let entry = plan[target], current[target] != entry else { continue }
            if current[target]?.matches == entry.matches {
                changes[target] = entry.parameters
            } else {
                try shaper.setTargetNetem(entry.parameters, target: target, matching: entry.matches)
                current[target] = entry
            }
        }
        // Every change of a standing target in one round trip.
        if !changes.isEmpty {
            try shaper.setTargetsNetem(changes)
            for (target, parameters) in changes { current[target]?.parameters = parameters }
        }
        for target in current.keys.sorted() where plan[target] == nil {
            try shaper.removeTarget(target)
            current[target] = nil
        }
    }
}
