// The netem network backend: tc/netem qdiscs on the loopback link of the run's network namespace,
// configured over netlink (Netem). Every replica is one target of the shaper (an HTB class fed by
// u32 filters on its ports, as source or destination); cluster-wide delay, corruption, loss,
// rate, duplication and reordering are netem parameters on every replica's target, a clog drops
// everything on every target (connections stay open; TCP retransmits once it lifts), and an
// isolated replica's target drops everything. Replicas share the loopback address, so the only
// partition this backend can make is isolation (the capability table refuses the others).
//
// Replicas connect to each other's real ports directly, so the isolated replica's real ports
// catch the connections to it, not those it opened: these run from an ephemeral port of its own.
// Given the replicas' root pids, the isolated replica's target also matches the local port of
// every connection its process tree holds to another replica's real port (ReplicaOutgoingPorts),
// found when the isolation is applied and then by a refresh every `refreshInterval` while it
// lasts. A connection the isolated replica opens during the isolation exchanges packets until the
// next refresh sees it (its handshake and up to one interval of traffic). A refresh that finds
// other ports builds the new filters on the other of two isolation targets (1 and 2, matched
// before the cluster-wide targets 3…) and then removes the old one, so no packet of the isolated
// replica passes in between and the other targets are not touched.

import Netem
import Synchronization

/// Network faults through netem on the namespace's `lo`.
final class NetemNetwork: NetworkBackend, Sendable {
    /// How often an active isolation rescans the isolated replica's outgoing connections.
    static let refreshInterval: Duration = .milliseconds(20)
    /// Most refresh rounds of one isolation (20 ms × 2^22 ≈ 23 hours).
    static let refreshRoundsMax = 1 << 22
    /// Most outgoing ports one isolation matches (a replica holds a few per peer).
    static let outgoingPortsMax = 512
    /// The two targets an isolation alternates between; the cluster-wide targets follow.
    private static let isolationTargets: (UInt16, UInt16) = (1, 2)
    private static let firstClusterTarget: UInt16 = 3
    /// The delay of the packets a reordering holds back when no cluster-wide delay is set.
    static let reorderDelayMs = 10.0

    private struct State {
        /// The target holding the active isolation's filters.
        var isolationTarget = NetemNetwork.isolationTargets.0
        /// The outgoing ports the isolation's filters match.
        var outgoingPorts: Set<UInt16> = []
        /// Outgoing ports matched over the whole run, each counted when an isolation first
        /// matched it (the connections isolations cut that the replica had opened).
        var outgoingPortsMatched = 0
        /// Bumped by every apply and by stop: a refresh of an older generation does nothing.
        var generation = 0
        var refresh: Task<Void, Never>?
        var stopped = false
    }

    private let shaper: any TrafficShaper
    private let replicaPorts: [[UInt16]]
    private let outgoingPortFinder: (any OutgoingPortFinder)?
    private let state = Mutex(State())

    /// Opens the shaper on `lo`; throws a one-line error when the kernel has no netem.
    /// - Parameter replicaProcessIDs: The root process id of each running replica (index → pid);
    ///   with it an isolation also cuts the connections the isolated replica opened, without it
    ///   only the connections to the isolated replica's ports.
    convenience init(
        layout: ClusterLayout,
        replicaProcessIDs: (@Sendable () -> [Int: Int32])?
    ) throws {
        let socket = try RouteSocket(namespace: .current)
        let link = try socket.link(named: "lo")
        let support = try KernelSupport.probe(socket: socket, link: link)
        try support.requireNetemBackend()
        let replicaPorts = (0..<layout.replicaCount).map { replica in
            layout.portNames.map { UInt16(layout.realPort($0, replica: replica)) }
        }
        self.init(
            shaper: LinkShaper(socket: socket, link: link),
            replicaPorts: replicaPorts,
            outgoingPortFinder: replicaProcessIDs.map {
                ProcOutgoingPortFinder(replicaPorts: replicaPorts, replicaProcessIDs: $0)
            }
        )
    }

    /// A backend over `shaper` for replicas listening on `replicaPorts` (per replica, its real
    /// ports); `outgoingPortFinder` finds the connections a replica opened (nil: isolation cuts
    /// only the connections to the isolated replica's ports).
    init(
        shaper: any TrafficShaper,
        replicaPorts: [[UInt16]],
        outgoingPortFinder: (any OutgoingPortFinder)?
    ) {
        self.shaper = shaper
        self.replicaPorts = replicaPorts
        self.outgoingPortFinder = outgoingPortFinder
    }

    /// The shaper's targets and their matches (what the kernel was told).
    var targets: [UInt16: [PacketMatch]] {
        shaper.targets
    }

    /// The outgoing ports the active isolation matches (empty without an isolation).
    var isolatedOutgoingPorts: Set<UInt16> {
        state.withLock { $0.outgoingPorts }
    }

    /// How many outgoing connection ports isolations matched over the run.
    var outgoingPortsMatched: Int {
        state.withLock { $0.outgoingPortsMatched }
    }

    /// Nothing to start: the shaper was opened by `init`, and qdiscs appear with the first fault.
    func start() async throws {}

    func counterLines() -> [String] {
        ["netem: isolations matched \(outgoingPortsMatched) outgoing connection ports"]
    }

    /// Netem cannot reset connections (the capability table never lets the scheduler ask).
    func resetConnections(replica: Int) async throws {
        throw RunError("netem cannot reset connections; use --faults proxy")
    }

    /// The replica `faults` isolates: the only partition this backend can make.
    private func isolatedReplica(_ faults: NetworkFaults) -> Int? {
        guard let partition = faults.partition else { return nil }
        let isolated = partition.isolatedReplica(replicaCount: replicaPorts.count)
        precondition(
            partition.shape == .isolate && isolated != nil,
            "the capability table lets netem isolate only"
        )
        return isolated
    }

    func apply(_ faults: NetworkFaults) async throws {
        await stopRefresh()
        var scan: OutgoingPortScan?
        let isolated = isolatedReplica(faults)
        let outgoing = isolated.map { outgoingPorts(of: $0, last: &scan) } ?? []
        let generation = try state.withLock { state throws(NetemError) -> Int? in
            guard !state.stopped else { return nil }
            state.generation += 1
            state.isolationTarget = Self.isolationTargets.0
            state.outgoingPorts = []
            try shaper.removeAll()
            guard !faults.isHealed else { return nil }
            try setTargets(faults, outgoing: outgoing)
            state.outgoingPorts = outgoing
            state.outgoingPortsMatched += outgoing.count
            return state.generation
        }
        if let generation, let isolated, outgoingPortFinder != nil {
            let task = Task { [scan] in
                await self.refresh(isolated: isolated, generation: generation, last: scan)
            }
            state.withLock { $0.refresh = task }
        }
    }

    /// Heals, stops the refresh and removes every qdisc the backend added.
    func stop() async {
        await stopRefresh()
        state.withLock { state in
            state.stopped = true
            // Again: an apply may have run since stopRefresh and started a refresh, which this
            // ends (its generation is now old).
            state.generation += 1
            state.outgoingPorts = []
            try? shaper.removeAll()
        }
    }

    /// Cancels the running refresh, if any, and waits for it to end.
    private func stopRefresh() async {
        let task = state.withLock { state in
            state.generation += 1
            defer { state.refresh = nil }
            return state.refresh
        }
        task?.cancel()
        await task?.value
    }

    /// The filters of `replica`'s target: its real ports and `outgoing`, each as source and
    /// destination.
    private func matches(of replica: Int, outgoing: Set<UInt16>) -> [PacketMatch] {
        (replicaPorts[replica] + outgoing.sorted()).flatMap { port in
            [PacketMatch.destinationPort(port), .sourcePort(port)]
        }
    }

    /// The netem of every replica's target under the cluster-wide faults of `faults`.
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

    private func setTargets(_ faults: NetworkFaults, outgoing: Set<UInt16>) throws(NetemError) {
        let cluster = Self.clusterParameters(faults)
        let isolated = isolatedReplica(faults)
        var nextTarget = Self.firstClusterTarget
        for replica in replicaPorts.indices {
            if isolated == replica {
                try shaper.setTargetNetem(
                    .dropEverything,
                    target: Self.isolationTargets.0,
                    matching: matches(of: replica, outgoing: outgoing)
                )
            } else if faults.hasClusterWideFaults {
                try shaper.setTargetNetem(
                    cluster,
                    target: nextTarget,
                    matching: matches(of: replica, outgoing: [])
                )
                nextTarget += 1
            }
        }
    }

    /// `replica`'s outgoing ports (at most `outgoingPortsMax`), empty without a finder.
    private func outgoingPorts(of replica: Int, last: inout OutgoingPortScan?) -> Set<UInt16> {
        guard let outgoingPortFinder else { return [] }
        return Set(
            outgoingPortFinder.outgoingPorts(of: replica, last: &last).sorted()
                .prefix(Self.outgoingPortsMax)
        )
    }

    /// While the isolation of generation `generation` lasts: rescans `isolated`'s outgoing
    /// connections every `refreshInterval` and moves the isolation to the other isolation target
    /// when they changed.
    private func refresh(isolated: Int, generation: Int, last: OutgoingPortScan?) async {
        var last = last
        for _ in 0..<Self.refreshRoundsMax {
            do {
                try await Task.sleep(for: Self.refreshInterval)
            } catch {
                return
            }
            let outgoing = outgoingPorts(of: isolated, last: &last)
            let current = state.withLock { state -> Bool in
                guard state.generation == generation else { return false }
                guard outgoing != state.outgoingPorts else { return true }
                let (first, second) = Self.isolationTargets
                let next = state.isolationTarget == first ? second : first
                do {
                    try shaper.setTargetNetem(
                        .dropEverything,
                        target: next,
                        matching: matches(of: isolated, outgoing: outgoing)
                    )
                } catch {
                    return true  // The old filters stay; the next round tries again.
                }
                // Should the removal fail, the old target drops a subset of what the new one
                // drops, until the next change replaces its filters.
                try? shaper.removeTarget(state.isolationTarget)
                state.isolationTarget = next
                state.outgoingPortsMatched += outgoing.subtracting(state.outgoingPorts).count
                state.outgoingPorts = outgoing
                return true
            }
            guard current else { return }
        }
    }
}
