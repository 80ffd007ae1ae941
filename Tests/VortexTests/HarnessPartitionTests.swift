// Tests of the partition shapes as pure functions of the seed and the replica count: each
// shape's defining property at 3, 5 and 6 replicas over many seeds, the same seed giving the same
// grudge, how many replicas each leaves outside a connected majority; liveness under every shape
// (acceptable exactly when a majority is healthy and fully connected); the scheduler drawing
// every shape within `--faulty-max`; and faults.jsonl carrying every new action.

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

@Suite struct HarnessPartitionSchedulerTests {
    private static func allShapesWeights() -> FaultWeights {
        var weights: [FaultKind: Int] = [.none: 50, .networkHeal: 20, .terminate: 5, .restart: 10]
        for shape in PartitionShape.allCases { weights[shape.faultKind] = 5 }
        return FaultWeights(weights)
    }

    @Test(arguments: [(3, 1), (5, 2), (5, 3), (6, 2), (6, 4)])
    func theBoundHoldsAndEveryShapeThatFitsIsDrawn(replicaCount: Int, bound: Int) {
        var scheduler = FaultScheduler(
            seed: 21,
            weights: Self.allShapesWeights(),
            faultyReplicasMax: bound
        )
        var cluster = ObservedCluster(replicaCount: replicaCount)
        var drawn: Set<PartitionShape> = []
        for _ in 0..<12_000 {
            guard let decision = scheduler.decide(cluster) else { continue }
            cluster.apply(decision)
            #expect(cluster.faultyReplicaCount <= bound)
            if let shape = decision.kind.partitionShape { drawn.insert(shape) }
        }
        let fitting = Set(
            PartitionShape.allCases.filter {
                PartitionShapes.faultyReplicaCount($0, replicaCount: replicaCount) <= bound
            }
        )
        #expect(drawn == fitting)
    }

    @Test func oneDecisionOfEveryNewKind() throws {
        let kinds: [FaultKind] = [
            .linkDelay, .linkLoss, .bandwidth, .reset, .clog, .duplicate, .reorder,
        ]
        for kind in kinds {
            var scheduler = FaultScheduler(seed: 4, weights: FaultWeights([kind: 1]))
            var cluster = ObservedCluster(replicaCount: 3)
            let drawn = scheduler.decide(cluster)
            let decision = try #require(drawn)
            #expect(decision.kind == kind)
            cluster.apply(decision)
            if kind != .reset {
                #expect(scheduler.decide(cluster) == nil, "\(kind) is not drawn twice")
                cluster.apply(.networkHeal)
                #expect(cluster.network.isHealed)
            }
        }
    }
}

@Suite struct HarnessPartitionValidationTests {
    private func validate(
        _ arguments: [String: String],
        weights: [String] = []
    ) throws -> RunConfiguration {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        var options = RunOptions()
        options.replicaCount = arguments["replicas"] ?? "5"
        options.faultyMax = arguments["faulty-max"] ?? "minority"
        options.faults = arguments["faults"] ?? "proxy"
        options.faultWeights = weights
        return try RunConfiguration.validate(options, environment: try scratch.environment())
    }

    private func message(_ arguments: [String: String], weights: [String] = []) -> String? {
        do {
            _ = try validate(arguments, weights: weights)
            return nil
        } catch {
            return (error as? ConfigurationError)?.message ?? "not a configuration error: \(error)"
        }
    }

    @Test func faultyMaxResolvesEveryForm() throws {
        #expect(try validate(["replicas": "5"]).faultyReplicasMax == 2)
        #expect(try validate(["replicas": "5", "faulty-max": "majority"]).faultyReplicasMax == 3)
        #expect(try validate(["replicas": "6", "faulty-max": "majority"]).faultyReplicasMax == 4)
        #expect(try validate(["replicas": "5", "faulty-max": "5"]).faultyReplicasMax == 5)
        #expect(try validate(["replicas": "3", "faulty-max": "0"]).faultyReplicasMax == 0)
    }

    @Test func badFaultyMaxValuesAreOneLine() {
        #expect(
            message(["replicas": "5", "faulty-max": "9"])
                == "--faulty-max 9 is more than the 5 replicas; use minority, majority or a "
                + "number from 0 to 5"
        )
        #expect(
            message(["faulty-max": "most"])?.hasPrefix("--faulty-max 'most' is not a bound") == true
        )
        #expect(
            message(["faulty-max": "-1"])?.hasPrefix("--faulty-max '-1' is not a bound") == true
        )
    }

    @Test func unknownShapeAndImpossibleShapesAreRefused() {
        #expect(
            message([:], weights: ["partition-triangle=2"])?
                .contains("unknown partition shape 'triangle'; use one of partition-halves") == true
        )
        #expect(
            message(["replicas": "2", "faulty-max": "2"], weights: ["partition-bridge=2"])
                == "--fault-weight partition-bridge=2: needs at least 3 replicas (this run has 2); "
                + "give --replica-count 3 or more, or drop the weight"
        )
        #expect(
            message(["replicas": "5"], weights: ["partition-ring=2"])?
                .contains("leaves 3 of 5 replicas outside a connected majority") == true
        )
        #expect(
            message(["replicas": "5", "faulty-max": "majority"], weights: ["partition-ring=2"])
                == nil
        )
        #expect(
            message(["replicas": "5"], weights: ["partition-one-way=2", "loss=1"])?
                .contains("needs --faults netem") == true
        )
        #expect(
            message(["replicas": "1"], weights: ["terminate=3"])?.contains("--faulty-max 0") == true
        )
    }

    @Test func defaultsLeaveOutWhatTheClusterCannotDraw() throws {
        let five = try validate(["replicas": "5"]).faultWeights
        #expect(five[.partitionHalves] == 1 && five[.partitionBridge] == 1)
        #expect(five[.partitionRing] == 0, "a ring leaves 3 of 5 outside; minority allows 2")
        let six = try validate(["replicas": "6"]).faultWeights
        #expect(six[.partitionHalves] == 0, "3 | 3 is more than the minority of 6")
        let one = try validate(["replicas": "1"]).faultWeights
        #expect(one[.isolate] == 0 && one[.terminate] == 0 && one[.linkDelay] == 0)
        #expect(one[.delay] == 2)
    }
}

@Suite struct HarnessPartitionFaultLogTests {
    @Test func everyNewActionRoundTripsThroughFaultsJSONL() throws {
        let decisions: [FaultDecision] = [
            .partition(PartitionShapes.partition(.halves, order: [2, 0, 1, 3, 4])),
            .partition(PartitionShapes.partition(.ring, order: [0, 1, 2, 3, 4])),
            .partition(Partition(shape: .oneWay, cut: [ReplicaLink(from: 1, to: 3)])),
            .linkDelay(ReplicaLink(from: 0, to: 4), DelayFault(delayMs: 120, jitterMs: 50)),
            .linkLoss(ReplicaLink(from: 4, to: 0), percent: 7),
            .bandwidth(bytesPerSecond: 65_536),
            .reset(replica: 2),
            .clog,
            .duplicate(percent: 3),
            .reorder(percent: 9),
        ]
        let path = NSTemporaryDirectory() + "vortex-partition-faults-\(getpid()).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var text = "{\"format\":\"vortex-faults\",\"schemaVersion\":1}\n"
        let encoder = JSONEncoder()
        for (index, decision) in decisions.enumerated() {
            let entry = FaultLogEntry(tick: UInt64(index), timeUs: Int64(index), decision: decision)
            text += String(decoding: try encoder.encode(entry), as: UTF8.self) + "\n"
        }
        let isolation = FaultLogEntry(
            tick: 99,
            timeUs: 99,
            decision: .isolate(replica: 1),
            isolationCut: Partition.isolating(1, replicaCount: 3).sortedCut
        )
        let isolationLine = String(decoding: try encoder.encode(isolation), as: UTF8.self)
        #expect(isolationLine.contains("\"cut\":[[0,1],[1,0],[1,2],[2,1]]"))
        #expect(isolationLine.contains("\"replica\":1"))
        text += isolationLine + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let read = try FaultLogReader.read(path: path)
        #expect(read.map(\.decision) == decisions + [.isolate(replica: 1)])
        #expect(read.last?.isolationCut == isolation.isolationCut)
        #expect(text.contains("\"action\":\"partition-halves\""))
        #expect(text.contains("\"from\":0,\"to\":4") || text.contains("\"to\":4"))
    }

    @Test func aPartitionLineWithoutLinksIsRefused() throws {
        let path = NSTemporaryDirectory() + "vortex-partition-bad-\(getpid()).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try
            ("{\"format\":\"vortex-faults\",\"schemaVersion\":1}\n"
            + "{\"tick\":1,\"timeUs\":2,\"action\":\"partition-halves\",\"cut\":[[1,1]]}\n").write(
                toFile: path,
                atomically: true,
                encoding: .utf8
            )
        #expect(throws: FaultLogReader.ReadError.self) { try FaultLogReader.read(path: path) }
    }
}
