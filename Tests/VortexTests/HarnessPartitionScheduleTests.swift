// Tests of partitions beyond their shapes: the scheduler drawing every shape within
// `--faulty-max`; bad values of the new flags and weights refused before anything starts; and
// faults.jsonl carrying every new action (the shapes themselves are in
// HarnessPartitionTests.swift).

import Foundation
import Testing
import VortexHarness
import Workload

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
