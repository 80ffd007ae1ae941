// Tests of how the proxy backend maps the harness's network faults onto FaultProxy settings:
// cluster-wide delay, corruption, bandwidth and clog in both directions, corruption only on
// corruptible ports; a link cut both ways as an isolated source, a link cut one way as a clogged
// direction of that source's connections, a link delay on that direction only; the driver's
// connections (no source) never partitioned.

import FaultProxy
import Netem
import Testing
import Workload

@testable import VortexHarness

@Suite struct HarnessBackendTests {
    @Test func healedFaultsAreTransparent() {
        let faults = ProxyNetwork.proxyFaults(
            .healed,
            replica: 0,
            replicaCount: 3,
            corruptible: true
        )
        #expect(faults == .none)
    }

    @Test func delayAndCorruptionApplyInBothDirections() {
        let network = NetworkFaults(
            delay: DelayFault(delayMs: 120, jitterMs: 50),
            corruptionPercent: 4
        )
        let faults = ProxyNetwork.proxyFaults(
            network,
            replica: 1,
            replicaCount: 3,
            corruptible: true
        )
        for direction in [faults.toUpstream, faults.toClient] {
            #expect(direction.delay == .milliseconds(120))
            #expect(direction.jitter == .milliseconds(50))
            #expect(direction.corruptProbability == 0.04)
        }
        #expect(faults.down == nil)
    }

    @Test func corruptionSkipsPortsThatAreNotCorruptible() {
        let network = NetworkFaults(corruptionPercent: 9)
        let faults = ProxyNetwork.proxyFaults(
            network,
            replica: 0,
            replicaCount: 3,
            corruptible: false
        )
        #expect(faults.toUpstream.corruptProbability == 0)
        #expect(faults.toClient.corruptProbability == 0)
    }

    @Test func isolationCutsTheReplicasLinksButNotTheDriver() {
        let network = NetworkFaults(partition: .isolating(2, replicaCount: 3))
        let own = ProxyNetwork.proxyFaults(network, replica: 2, replicaCount: 3, corruptible: true)
        #expect(own.down == nil, "the driver still reaches the isolated replica")
        #expect(own.isolatedSources == [0, 1])
        #expect(!own.cuts(source: nil))
        let other = ProxyNetwork.proxyFaults(
            network,
            replica: 1,
            replicaCount: 3,
            corruptible: true
        )
        #expect(other.down == nil)
        #expect(other.isolatedSources == [2])
        #expect(other.sourceFaults.isEmpty)
        #expect(
            ProxyNetwork.proxyFaults(.healed, replica: 2, replicaCount: 3, corruptible: true)
                .isolatedSources == []
        )
    }

    @Test func aOneWayCutClogsOneDirectionOfThatSourceOnly() throws {
        // 0 hears 1; 1 does not hear 0: what 0 sends to 1 is cut.
        let partition = Partition(shape: .oneWay, cut: [ReplicaLink(from: 0, to: 1)])
        let network = NetworkFaults(
            delay: DelayFault(delayMs: 30, jitterMs: 5),
            partition: partition
        )
        let atOne = ProxyNetwork.proxyFaults(
            network,
            replica: 1,
            replicaCount: 3,
            corruptible: true
        )
        #expect(atOne.isolatedSources.isEmpty)
        let fromZero = try #require(atOne.sourceFaults[0])
        #expect(fromZero.toUpstream.clogged, "0 → 1 cut")
        #expect(!fromZero.toClient.clogged, "1 → 0 flows")
        #expect(fromZero.toClient.delay == .milliseconds(30), "cluster-wide delay kept")
        #expect(atOne.sourceFaults[2] == nil)
        #expect(!atOne.directions(for: nil).toUpstream.clogged, "the driver is not cut")
        let atZero = ProxyNetwork.proxyFaults(
            network,
            replica: 0,
            replicaCount: 3,
            corruptible: true
        )
        let fromOne = try #require(atZero.sourceFaults[1])
        #expect(!fromOne.toUpstream.clogged, "1 → 0 flows")
        #expect(fromOne.toClient.clogged, "0 → 1 cut on the connections 1 opened")
    }

    @Test func aLinkDelayDelaysOneDirectionOnTopOfTheClusterDelay() {
        let network = NetworkFaults(
            delay: DelayFault(delayMs: 20, jitterMs: 10),
            linkFaults: [
                ReplicaLink(from: 2, to: 0): LinkFault(
                    delay: DelayFault(delayMs: 100, jitterMs: 40)
                )
            ]
        )
        let atZero = ProxyNetwork.proxyFaults(
            network,
            replica: 0,
            replicaCount: 3,
            corruptible: true
        )
        #expect(atZero.sourceFaults[2]?.toUpstream.delay == .milliseconds(120))
        #expect(atZero.sourceFaults[2]?.toUpstream.jitter == .milliseconds(50))
        #expect(atZero.sourceFaults[2]?.toClient.delay == .milliseconds(20))
        let atTwo = ProxyNetwork.proxyFaults(
            network,
            replica: 2,
            replicaCount: 3,
            corruptible: true
        )
        #expect(atTwo.sourceFaults[0]?.toClient.delay == .milliseconds(120), "2 → 0 back")
        #expect(atTwo.sourceFaults[1] == nil)
    }

    @Test func bandwidthAndClogApplyToEveryConnection() {
        let network = NetworkFaults(bandwidthBytesPerSecond: 65_536, clogged: true)
        let faults = ProxyNetwork.proxyFaults(
            network,
            replica: 0,
            replicaCount: 3,
            corruptible: true
        )
        for direction in [faults.toUpstream, faults.toClient] {
            #expect(direction.bandwidthBytesPerSecond == 65_536)
            #expect(direction.clogged)
        }
        #expect(faults.sourceFaults.isEmpty)
    }

    @Test(arguments: PartitionShape.allCases, [3, 5, 6])
    func everyCutLinkIsCutOnTheProxyItReaches(shape: PartitionShape, replicaCount: Int) {
        // For each directed link between replicas, the bytes it carries cross exactly two proxy
        // directions: toUpstream on the receiver's proxy for connections the sender opened, and
        // toClient on the sender's proxy for connections the receiver opened.
        var random = VortexRandom(seed: UInt64(replicaCount))
        let partition = PartitionShapes.draw(shape, replicaCount: replicaCount, random: &random)
        let network = NetworkFaults(partition: partition)
        for link in ReplicaLink.all(among: Array(0..<replicaCount)) {
            let atReceiver = ProxyNetwork.proxyFaults(
                network,
                replica: link.to,
                replicaCount: replicaCount,
                corruptible: true
            )
            let atSender = ProxyNetwork.proxyFaults(
                network,
                replica: link.from,
                replicaCount: replicaCount,
                corruptible: true
            )
            let cut = partition.cut.contains(link)
            let upstreamBlocked =
                atReceiver.cuts(source: link.from)
                || atReceiver.directions(for: link.from).toUpstream.clogged
            let backBlocked =
                atSender.cuts(source: link.to)
                || atSender.directions(for: link.to).toClient.clogged
            #expect(upstreamBlocked == cut, "\(shape) \(link)")
            #expect(backBlocked == cut, "\(shape) \(link)")
        }
    }

    @Test func netemMapsBandwidthClogDuplicationAndReordering() throws {
        let clogged = NetemNetwork.clusterParameters(
            NetworkFaults(delay: DelayFault(delayMs: 50, jitterMs: 5), clogged: true)
        )
        #expect(clogged == .dropEverything, "a clog drops everything, whatever else is set")
        let reordered = NetemNetwork.clusterParameters(NetworkFaults(reorderPercent: 7))
        #expect(reordered.reorderPercent == 7)
        #expect(reordered.reorderGap == 1, "gap 0 would never send a packet ahead")
        #expect(reordered.delayMs == NetemNetwork.reorderDelayMs)
        let delayedAndReordered = NetemNetwork.clusterParameters(
            NetworkFaults(delay: DelayFault(delayMs: 120, jitterMs: 50), reorderPercent: 3)
        )
        #expect(delayedAndReordered.delayMs == 120)
        #expect(delayedAndReordered.jitterMs == 50)
        let shaped = NetemNetwork.clusterParameters(
            NetworkFaults(bandwidthBytesPerSecond: 131_072, duplicationPercent: 4)
        )
        #expect(shaped.rateBytesPerSecond == 131_072)
        #expect(shaped.duplicationPercent == 4)
        for parameters in [clogged, reordered, delayedAndReordered, shaped] {
            try parameters.validate()
        }
    }
}
