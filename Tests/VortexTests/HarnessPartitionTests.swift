// Tests of the partition shapes as pure functions of the seed and the replica count: each
// shape's defining property at 3, 5 and 6 replicas over many seeds, the same seed giving the same
// grudge, how many replicas each leaves outside a connected majority; and liveness under every
// shape (acceptable exactly when a majority is healthy and fully connected). The scheduler,
// the flags and faults.jsonl are in HarnessPartitionScheduleTests.swift.

import Foundation
import Testing
import VortexHarness
import Workload

/// Whether `from` reaches `to` under `partition`.
private func hears(_ to: Int, _ from: Int, in partition: Partition) -> Bool {
    partition.carries(from: from, to: to)
}

/// Draws of `shape` at `replicaCount` for seeds 0..<`count`.
private func draws(_ shape: PartitionShape, _ replicaCount: Int, count: Int = 200) -> [Partition] {
    (0..<count).map { seed in
        var random = VortexRandom(seed: UInt64(seed))
        return PartitionShapes.draw(shape, replicaCount: replicaCount, random: &random)
    }
}

/// The replicas connected to `replica` in both directions (itself included).
private func reachable(_ replica: Int, _ replicaCount: Int, in partition: Partition) -> Set<Int> {
    Set(
        (0..<replicaCount).filter {
            hears($0, replica, in: partition) && hears(replica, $0, in: partition)
        }
    )
}

@Suite struct HarnessPartitionShapeTests {
    static let replicaCounts = [3, 5, 6]

    @Test(arguments: replicaCounts)
    func isolateCutsOneReplicaOffBothWays(replicaCount: Int) throws {
        for partition in draws(.isolate, replicaCount) {
            let replica = try #require(partition.isolatedReplica(replicaCount: replicaCount))
            let others = (0..<replicaCount).filter { $0 != replica }
            #expect(partition.cut == Set(ReplicaLink.between([replica], others)))
        }
    }

    @Test(arguments: replicaCounts)
    func halvesCutAMinorityFromTheMajority(replicaCount: Int) {
        var minorities: Set<Set<Int>> = []
        for partition in draws(.halves, replicaCount) {
            // Two components, each fully connected inside, nothing between them.
            let components = Set(
                (0..<replicaCount).map { reachable($0, replicaCount, in: partition) }
            )
            #expect(components.count == 2)
            let sizes = components.map(\.count).sorted()
            #expect(sizes == [replicaCount / 2, replicaCount - replicaCount / 2])
            for component in components {
                for one in component {
                    #expect(reachable(one, replicaCount, in: partition) == component)
                }
            }
            if let minority = components.min(by: { $0.count < $1.count }) {
                minorities.insert(minority)
            }
        }
        #expect(minorities.count > 2, "the minority is random")
    }

    @Test(arguments: replicaCounts)
    func bridgeJoinsTwoHalvesThroughOneReplica(replicaCount: Int) {
        for partition in draws(.bridge, replicaCount) {
            let everyone = Set(0..<replicaCount)
            let bridges = everyone.filter { reachable($0, replicaCount, in: partition) == everyone }
            #expect(bridges.count == 1, "exactly one replica reaches everyone")
            guard let bridge = bridges.first else { continue }
            let rest = everyone.subtracting([bridge])
            let sides = Set(
                rest.map { reachable($0, replicaCount, in: partition).subtracting([bridge]) }
            )
            #expect(sides.count == 2, "two halves")
            #expect(sides.allSatisfy { !$0.isEmpty })
            #expect(sides.reduce(into: Set<Int>()) { $0.formUnion($1) } == rest)
            for side in sides {
                for one in side {
                    for other in rest.subtracting(side) {
                        #expect(
                            !hears(one, other, in: partition) && !hears(other, one, in: partition)
                        )
                    }
                }
            }
        }
    }

    @Test(arguments: replicaCounts)
    func ringLetsEveryReplicaHearADifferentMajority(replicaCount: Int) {
        let majority = replicaCount / 2 + 1
        for partition in draws(.ring, replicaCount) {
            let heard = (0..<replicaCount).map { replica in
                Set((0..<replicaCount).filter { hears(replica, $0, in: partition) })
            }
            #expect(heard.allSatisfy { $0.count == majority }, "\(heard)")
            #expect(Set(heard).count == replicaCount, "no two hear the same majority: \(heard)")
        }
    }

    @Test(arguments: replicaCounts)
    func oneWayCutsOneDirectionOfOneLink(replicaCount: Int) {
        for partition in draws(.oneWay, replicaCount) {
            #expect(partition.cut.count == 1)
            if let link = partition.cut.first {
                #expect(hears(link.from, link.to, in: partition), "the sender still hears")
                #expect(!hears(link.to, link.from, in: partition))
            }
        }
    }

    @Test(arguments: replicaCounts)
    func linkCutsOnePairBothWays(replicaCount: Int) throws {
        var pairs: Set<Set<Int>> = []
        for partition in draws(.link, replicaCount) {
            #expect(partition.cut.count == 2)
            let link = try #require(partition.cut.first)
            #expect(partition.cut.contains(link.reversed))
            pairs.insert([link.from, link.to])
        }
        #expect(pairs.count == replicaCount * (replicaCount - 1) / 2, "every pair is drawn")
    }

    @Test(arguments: PartitionShape.allCases)
    func aShapeIsAPureFunctionOfTheSeedAndTheCount(shape: PartitionShape) {
        #expect(draws(shape, 5, count: 50) == draws(shape, 5, count: 50))
        #expect(Set(draws(shape, 5, count: 50)).count > 1)
    }

    @Test func faultyReplicaCountsOfEveryShape() {
        func faulty(_ shape: PartitionShape) -> [Int] {
            [3, 4, 5, 6].map { PartitionShapes.faultyReplicaCount(shape, replicaCount: $0) }
        }
        #expect(faulty(.isolate) == [1, 1, 1, 1])
        #expect(faulty(.halves) == [1, 2, 2, 3])
        #expect(faulty(.bridge) == [1, 1, 2, 2])
        #expect(faulty(.ring) == [2, 2, 3, 4])
        #expect(faulty(.oneWay) == [1, 1, 1, 1])
        #expect(faulty(.link) == [1, 1, 1, 1])
        // Every draw leaves the same number outside the largest connected group.
        for shape in PartitionShape.allCases {
            for partition in draws(shape, 5, count: 30) {
                let group = Connectivity.largestConnectedGroup(of: Array(0..<5), cut: partition.cut)
                #expect(
                    5 - group.count == PartitionShapes.faultyReplicaCount(shape, replicaCount: 5)
                )
            }
        }
    }

    @Test func tooFewReplicasForAShape() {
        #expect(PartitionShapes.replicaCountMin(.bridge) == 3)
        #expect(PartitionShapes.replicaCountMin(.ring) == 3)
        #expect(PartitionShapes.replicaCountMin(.halves) == 2)
        #expect(PartitionShapes.faultyReplicaCount(.bridge, replicaCount: 2) == 2)
    }
}

@Suite struct HarnessPartitionLivenessTests {
    private func checker(_ replicaCount: Int) -> LivenessChecker {
        LivenessChecker(window: .seconds(10), startupGrace: .seconds(1), replicaCount: replicaCount)
    }

    private func running(_ count: Int) -> [ReplicaLiveness] {
        Array(repeating: ReplicaLiveness(state: .running, startedAt: .zero), count: count)
    }

    @Test(arguments: PartitionShape.allCases, HarnessPartitionShapeTests.replicaCounts)
    func aPeriodIsAcceptableExactlyWhenAConnectedMajorityIsHealthy(
        shape: PartitionShape,
        replicaCount: Int
    ) {
        let liveness = checker(replicaCount)
        for partition in draws(shape, replicaCount, count: 20) {
            let network = NetworkFaults(partition: partition)
            let faulty = PartitionShapes.faultyReplicaCount(shape, replicaCount: replicaCount)
            let replicas = running(replicaCount)
            #expect(
                liveness.isAcceptable(replicas, network: network, now: .seconds(5))
                    == (faulty <= liveness.faultyReplicasTolerated),
                "\(shape) at \(replicaCount)"
            )
            let connected = liveness.connectedHealthyReplicas(
                replicas,
                network: network,
                now: .seconds(5)
            )
            // The group is fully connected both ways, and no larger one is.
            for one in connected {
                for other in connected where one != other {
                    #expect(partition.carries(from: one, to: other))
                }
            }
            #expect(connected.count == replicaCount - faulty)
            // A replica of the connected group going down makes it one smaller; one outside it
            // changes nothing.
            if let inside = connected.first {
                var down = replicas
                down[inside].state = .terminated
                let after = liveness.connectedHealthyReplicas(
                    down,
                    network: network,
                    now: .seconds(5)
                )
                #expect((connected.count - 1...connected.count).contains(after.count))
            }
            if let outside = (0..<replicaCount).first(where: { !connected.contains($0) }) {
                var down = replicas
                down[outside].state = .paused
                #expect(
                    liveness.connectedHealthyReplicas(down, network: network, now: .seconds(5))
                        .count == connected.count
                )
            }
            // A cluster-wide fault on top suspends the rule whatever the shape.
            var delayed = network
            delayed.delay = DelayFault(delayMs: 10, jitterMs: 0)
            #expect(!liveness.isAcceptable(replicas, network: delayed, now: .seconds(5)))
        }
    }

    @Test func aLinkDelayOrLossDoesNotSuspendTheRule() {
        let liveness = checker(3)
        let network = NetworkFaults(
            linkFaults: [
                ReplicaLink(from: 0, to: 1): LinkFault(
                    delay: DelayFault(delayMs: 200, jitterMs: 50)
                ),
                ReplicaLink(from: 1, to: 2): LinkFault(lossPercent: 5),
            ]
        )
        #expect(liveness.isAcceptable(running(3), network: network, now: .seconds(5)))
    }

    @Test func aHalvesPartitionOfFiveStartsAPeriodThatMustProgress() {
        var liveness = checker(5)
        let partition = PartitionShapes.partition(.halves, order: [0, 1, 2, 3, 4])
        let network = NetworkFaults(partition: partition)
        #expect(
            liveness.check(
                now: .seconds(2),
                replicas: running(5),
                network: network,
                oldestInFlightStart: nil
            ) == nil
        )
        #expect(liveness.periodStart == .seconds(2))
        // One of the majority side paused: 3 faulty of 5, the period ends.
        var states = running(5)
        states[4].state = .paused
        _ = liveness.check(
            now: .seconds(3),
            replicas: states,
            network: network,
            oldestInFlightStart: nil
        )
        #expect(liveness.periodStart == nil)
    }
}
