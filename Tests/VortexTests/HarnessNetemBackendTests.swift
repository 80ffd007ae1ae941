// The netem backend's logic without a kernel, against in-memory shapers (one per replica's
// interface, one for the run's bridge): every link has a standing target on its sender's shaper
// matching its receiver's address, which drops everything exactly when the link is cut; link
// faults and cluster-wide faults land on the right targets; a change of faults is an in-place
// change of the targets that differ and nothing else; the run's bridge never carries a
// partition. The kernel side is tested under
// user-mode-linux (NetemPartitionKernelTests, KernelNetemTests).

import Netem
import Synchronization
import Testing
import Workload

@testable import VortexHarness

/// A shaper that keeps its targets in memory and records every call.
private final class MemoryShaper: TrafficShaper {
    private let state = Mutex<[UInt16: (NetemParameters, [PacketMatch])]>([:])
    private let log = Mutex<[String]>([])

    func setTargetNetem(
        _ parameters: NetemParameters,
        target: UInt16,
        matching matches: [PacketMatch]
    ) throws(NetemError) {
        state.withLock { $0[target] = (parameters, matches) }
        log.withLock { $0.append("set \(target)") }
    }

    func setTargetsNetem(_ changes: [UInt16: NetemParameters]) throws(NetemError) {
        state.withLock { state in
            for (target, parameters) in changes {
                precondition(state[target] != nil, "a batch changes standing targets only")
                state[target]?.0 = parameters
            }
        }
        log.withLock { $0.append("change \(changes.keys.sorted())") }
    }

    func removeTarget(_ target: UInt16) throws(NetemError) {
        _ = state.withLock { $0.removeValue(forKey: target) }
        log.withLock { $0.append("remove \(target)") }
    }

    func removeAll() throws(NetemError) {
        state.withLock { $0.removeAll() }
        log.withLock { $0.append("remove all") }
    }

    var targets: [UInt16: [PacketMatch]] {
        state.withLock { $0.mapValues(\.1) }
    }

    func parameters(of target: UInt16) -> NetemParameters? {
        state.withLock { $0[target]?.0 }
    }

    /// The calls since the last look, and forgets them.
    func calls() -> [String] {
        log.withLock { log in
            defer { log = [] }
            return log
        }
    }
}

@Suite struct HarnessNetemBackendTests {
    private static func network(_ replicaCount: Int) -> (NetemNetwork, [MemoryShaper], MemoryShaper)
    {
        let shapers = (0..<replicaCount).map { _ in MemoryShaper() }
        let run = MemoryShaper()
        return (NetemNetwork(replicaShapers: shapers, runShaper: run), shapers, run)
    }

    /// The target on a sender's shaper for what it sends to `receiver`.
    private static func target(_ receiver: Int) -> UInt16 { UInt16(receiver + 1) }

    private static func address(_ replica: Int) -> PacketMatch {
        guard let address = IPv4Address(ClusterLayout.replicaHost(replica)) else {
            preconditionFailure("an IPv4 address")
        }
        return .destinationAddress(address, prefixLength: 32)
    }

    @Test(arguments: PartitionShape.allCases, [3, 5, 6])
    func everyCutLinkDropsOnItsSendersInterfaceAndNothingElse(
        shape: PartitionShape,
        replicaCount: Int
    ) async throws {
        let (network, shapers, run) = Self.network(replicaCount)
        try await network.start()
        for (sender, shaper) in shapers.enumerated() {
            #expect(shaper.targets.count == replicaCount, "a target per receiver and a catch-all")
            for receiver in 0..<replicaCount where receiver != sender {
                #expect(shaper.targets[Self.target(receiver)] == [Self.address(receiver)])
                #expect(shaper.parameters(of: Self.target(receiver)) == NetemParameters())
            }
        }
        #expect(run.targets.keys.sorted() == [NetemNetwork.catchAllTarget])
        var random = VortexRandom(seed: 17)
        let partition = PartitionShapes.draw(shape, replicaCount: replicaCount, random: &random)
        try await network.apply(NetworkFaults(partition: partition))
        for link in ReplicaLink.all(among: Array(0..<replicaCount)) {
            let shaper = shapers[link.from]
            let cut = partition.cut.contains(link)
            #expect(
                (shaper.parameters(of: Self.target(link.to)) == .dropEverything) == cut,
                "\(shape) \(link)"
            )
        }
        let drops = shapers.flatMap { shaper in
            shaper.targets.keys.filter { shaper.parameters(of: $0) == .dropEverything }
        }
        #expect(drops.count == partition.cut.count, "a drop per cut link, no more")
        #expect(
            run.parameters(of: NetemNetwork.catchAllTarget) == NetemParameters(),
            "the driver's traffic is never partitioned"
        )
        try await network.apply(.healed)
        #expect(
            shapers.allSatisfy { shaper in
                shaper.targets.keys.allSatisfy { shaper.parameters(of: $0) == NetemParameters() }
            }
        )
        await network.stop()
        #expect((shapers + [run]).allSatisfy { $0.targets.isEmpty })
    }

    @Test func clusterWideFaultsReachEveryInterfaceAndTheBridge() async throws {
        let (network, shapers, run) = Self.network(3)
        try await network.apply(NetworkFaults(delay: DelayFault(delayMs: 80, jitterMs: 10)))
        for shaper in shapers + [run] {
            #expect(shaper.targets.keys.allSatisfy { shaper.parameters(of: $0)?.delayMs == 80 })
        }
        // With a cut link on top, the link's target drops and the others keep the delay.
        let cut = Partition(shape: .oneWay, cut: [ReplicaLink(from: 2, to: 0)])
        try await network.apply(
            NetworkFaults(delay: DelayFault(delayMs: 80, jitterMs: 10), partition: cut)
        )
        #expect(shapers[2].parameters(of: Self.target(0)) == .dropEverything)
        #expect(shapers[2].parameters(of: NetemNetwork.catchAllTarget)?.delayMs == 80)
        #expect(shapers[2].parameters(of: Self.target(1))?.delayMs == 80)
        #expect(shapers[0].parameters(of: Self.target(2))?.delayMs == 80)
        await network.stop()
        #expect((shapers + [run]).allSatisfy { $0.targets.isEmpty })
    }

    @Test func linkFaultsAddToTheClusterWideOnes() async throws {
        let (network, shapers, _) = Self.network(3)
        let faults = NetworkFaults(
            delay: DelayFault(delayMs: 20, jitterMs: 5),
            lossPercent: 10,
            linkFaults: [
                ReplicaLink(from: 0, to: 1): LinkFault(
                    delay: DelayFault(delayMs: 100, jitterMs: 40)
                ),
                ReplicaLink(from: 1, to: 2): LinkFault(lossPercent: 20),
            ]
        )
        try await network.apply(faults)
        let delayed = try #require(shapers[0].parameters(of: Self.target(1)))
        #expect(delayed.delayMs == 120 && delayed.jitterMs == 45)
        let lossy = try #require(shapers[1].parameters(of: Self.target(2)))
        guard case .random(let percent, _) = lossy.loss else {
            Issue.record("random loss expected, got \(lossy.loss)")
            return
        }
        #expect(abs(percent - 28) < 1e-9, "lost by either: 1 − 0.9 × 0.8")
        #expect(shapers[2].parameters(of: Self.target(0))?.delayMs == 20)
        await network.stop()
    }

    @Test func aChangeTouchesOnlyTheTargetsThatDiffer() async throws {
        let (network, shapers, run) = Self.network(3)
        try await network.start()
        _ = (shapers + [run]).map { $0.calls() }
        // Halves of 3 with replica 0 alone: its two links cut both ways.
        let halves = PartitionShapes.partition(.halves, order: [0, 1, 2])
        try await network.apply(NetworkFaults(partition: halves))
        #expect(shapers[0].calls() == ["change [2, 3]"], "one round trip per shaper")
        #expect(shapers[1].calls() == ["change [1]"])
        #expect(shapers[2].calls() == ["change [1]"])
        #expect(run.calls().isEmpty)
        // A delay on top: the cut targets stay as they are; every other target changes.
        let delayed = NetworkFaults(delay: DelayFault(delayMs: 50, jitterMs: 0), partition: halves)
        try await network.apply(delayed)
        #expect(shapers[0].calls() == ["change [\(NetemNetwork.catchAllTarget)]"])
        #expect(shapers[1].calls() == ["change [3, \(NetemNetwork.catchAllTarget)]"])
        #expect(run.calls() == ["change [\(NetemNetwork.catchAllTarget)]"])
        #expect(shapers[2].calls() == ["change [2, \(NetemNetwork.catchAllTarget)]"])
        // The same faults again: nothing at all.
        try await network.apply(delayed)
        #expect((shapers + [run]).allSatisfy { $0.calls().isEmpty })
        // Healed: every changed target back in place, nothing added or removed.
        try await network.apply(.healed)
        #expect(shapers[0].calls() == ["change [2, 3, \(NetemNetwork.catchAllTarget)]"])
        #expect((shapers + [run]).allSatisfy { $0.targets.count == ($0 === run ? 1 : 3) })
        await network.stop()
    }

    @Test func stopRemovesEverythingAndIgnoresLaterFaults() async throws {
        let (network, shapers, run) = Self.network(3)
        try await network.start()
        try await network.apply(
            NetworkFaults(corruptionPercent: 2, partition: .isolating(0, replicaCount: 3))
        )
        #expect(shapers[0].parameters(of: Self.target(1)) == .dropEverything)
        await network.stop()
        #expect((shapers + [run]).allSatisfy { $0.targets.isEmpty })
        try await network.apply(NetworkFaults(corruptionPercent: 5))
        #expect((shapers + [run]).allSatisfy { $0.targets.isEmpty })
    }
}
