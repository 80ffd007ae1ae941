// The netem backend's logic without a kernel: which shaper targets an isolation and cluster-wide
// faults set, and how the refresh moves an isolation to the other isolation target when the
// isolated replica opens or closes connections, against an in-memory TrafficShaper and a
// scripted OutgoingPortFinder. The kernel side is tested under user-mode-linux
// (NetemIsolationKernelTests, KernelNetemTests).

import Netem
import Synchronization
import Testing

@testable import VortexHarness

/// A shaper that keeps its targets in memory and counts calls.
private final class MemoryShaper: TrafficShaper {
    private let state = Mutex<[UInt16: (NetemParameters, [PacketMatch])]>([:])

    func setTargetNetem(
        _ parameters: NetemParameters,
        target: UInt16,
        matching matches: [PacketMatch]
    ) throws(NetemError) {
        state.withLock { $0[target] = (parameters, matches) }
    }

    func removeTarget(_ target: UInt16) throws(NetemError) {
        _ = state.withLock { $0.removeValue(forKey: target) }
    }

    func removeAll() throws(NetemError) {
        state.withLock { $0.removeAll() }
    }

    var targets: [UInt16: [PacketMatch]] {
        state.withLock { $0.mapValues(\.1) }
    }

    func parameters(of target: UInt16) -> NetemParameters? {
        state.withLock { $0[target]?.0 }
    }
}

/// Outgoing ports that the test changes while an isolation lasts.
private final class ScriptedPorts: OutgoingPortFinder {
    let ports = Mutex<[Int: Set<UInt16>]>([:])

    func outgoingPorts(of replica: Int, last: inout OutgoingPortScan?) -> Set<UInt16> {
        ports.withLock { $0[replica] ?? [] }
    }
}

@Suite struct HarnessNetemBackendTests {
    /// Replica i listens on 100+i and 200+i.
    static let replicaPorts: [[UInt16]] = [[100, 200], [101, 201], [102, 202]]

    private func matches(_ ports: [UInt16]) -> Set<PacketMatch> {
        Set(ports.flatMap { [PacketMatch.destinationPort($0), .sourcePort($0)] })
    }

    @Test func clusterWideFaultsShapeEveryReplica() async throws {
        let shaper = MemoryShaper()
        let network = NetemNetwork(
            shaper: shaper,
            replicaPorts: Self.replicaPorts,
            outgoingPortFinder: nil
        )
        try await network.apply(NetworkFaults(delay: DelayFault(delayMs: 80, jitterMs: 10)))
        #expect(Set(shaper.targets.keys) == [3, 4, 5])
        #expect(Set(shaper.targets[4] ?? []) == matches([101, 201]))
        #expect(shaper.parameters(of: 3)?.delayMs == 80)
        try await network.apply(.healed)
        #expect(shaper.targets.isEmpty)
        await network.stop()
    }

    @Test func isolationDropsTheReplicasPortsAndTheOnesItOpened() async throws {
        let shaper = MemoryShaper()
        let ports = ScriptedPorts()
        ports.ports.withLock { $0[1] = [40_001] }
        let network = NetemNetwork(
            shaper: shaper,
            replicaPorts: Self.replicaPorts,
            outgoingPortFinder: ports
        )
        try await network.apply(
            NetworkFaults(lossPercent: 3, partition: .isolating(1, replicaCount: 3))
        )
        #expect(Set(shaper.targets[1] ?? []) == matches([101, 201, 40_001]))
        #expect(shaper.parameters(of: 1) == .dropEverything)
        // The other replicas get the cluster-wide loss; the isolated one only drops.
        #expect(Set(shaper.targets.keys) == [1, 3, 4])
        #expect(network.isolatedOutgoingPorts == [40_001])

        // The replica opens another connection: the refresh moves the isolation to target 2
        // with the new port and removes target 1.
        ports.ports.withLock { $0[1] = [40_001, 40_002] }
        try await waitUntil { shaper.targets[2] != nil && shaper.targets[1] == nil }
        #expect(Set(shaper.targets[2] ?? []) == matches([101, 201, 40_001, 40_002]))
        #expect(network.outgoingPortsMatched == 2)

        // It closes one: the isolation moves back to target 1 with the remaining port.
        ports.ports.withLock { $0[1] = [40_002] }
        try await waitUntil { shaper.targets[1] != nil && shaper.targets[2] == nil }
        #expect(Set(shaper.targets[1] ?? []) == matches([101, 201, 40_002]))

        try await network.apply(.healed)
        #expect(shaper.targets.isEmpty)
        #expect(network.isolatedOutgoingPorts.isEmpty)
        // No refresh runs after the heal: a new port changes nothing.
        ports.ports.withLock { $0[1] = [40_003] }
        try await Task.sleep(for: NetemNetwork.refreshInterval * 5)
        #expect(shaper.targets.isEmpty)
        await network.stop()
    }

    @Test func stopRemovesEverythingAndIgnoresLaterFaults() async throws {
        let shaper = MemoryShaper()
        let network = NetemNetwork(
            shaper: shaper,
            replicaPorts: Self.replicaPorts,
            outgoingPortFinder: ScriptedPorts()
        )
        try await network.apply(
            NetworkFaults(corruptionPercent: 2, partition: .isolating(0, replicaCount: 3))
        )
        #expect(!shaper.targets.isEmpty)
        await network.stop()
        #expect(shaper.targets.isEmpty)
        try await network.apply(NetworkFaults(corruptionPercent: 5))
        #expect(shaper.targets.isEmpty)
    }

    /// Polls `condition` every few milliseconds for up to 10 s (the refresh runs every 20 ms).
    private func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<2_000 where !condition() {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(condition())
    }
}
