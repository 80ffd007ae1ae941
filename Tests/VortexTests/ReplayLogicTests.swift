// The logic of replay and shrink without processes: ddmin finds the decisions that fail together
// and continues from what the test really ran; a shrunk schedule stays consistent (no restart of
// a replica whose terminate was removed); the recorded schedule comes due at its times and hands
// back impossible decisions as skips; the duration cut ends just after the failure; faults.jsonl
// keeps when a decision was taken and still reads lines without it; a summary written before
// partitions and --faulty-max still reruns.

import Foundation
import Testing

@testable import VortexHarness

@Suite struct ReplayLogicTests {
    /// A test that fails when every one of `culprits` is in the candidate, counting its calls.
    final class CulpritTest {
        let culprits: Set<Int>
        var candidatesTried = 0

        init(_ culprits: Set<Int>) { self.culprits = culprits }

        func run(_ candidates: [[Int]]) -> DeltaDebuggingVerdict {
            for candidate in candidates {
                candidatesTried += 1
                if culprits.isSubset(of: candidate) { return .fails(candidate) }
            }
            return .passes
        }
    }

    @Test(arguments: [Set([3, 11]), Set([0]), Set([19]), Set([2, 3, 17])])
    func ddminFindsExactlyTheDecisionsThatFailTogether(culprits: Set<Int>) async {
        let test = CulpritTest(culprits)
        let result = await DeltaDebugging.minimize(Array(0..<20)) { test.run($0) }
        #expect(Set(result) == culprits)
        #expect(result == result.sorted(), "the order of the schedule is kept")
        #expect(test.candidatesTried < 100, "tried \(test.candidatesTried)")
    }

    @Test func ddminContinuesFromTheSetTheTestReallyRan() async {
        // The test drops odd indices from every candidate it runs (as shrink drops decisions that
        // became impossible): the result holds no odd index although ddmin never proposed that.
        var proposals: [[Int]] = []
        let result = await DeltaDebugging.minimize(Array(0..<16)) { candidates in
            proposals += candidates
            for candidate in candidates {
                let ran = candidate.filter { $0 % 2 == 0 }
                if ran.contains(4) && ran.contains(12) { return .fails(ran) }
            }
            return .passes
        }
        #expect(result == [4, 12])
        #expect(proposals.allSatisfy { !$0.isEmpty })
    }

    @Test func ddminStopsWithTheSmallestSetSoFar() async {
        var batches = 0
        let result = await DeltaDebugging.minimize(Array(0..<32)) { candidates in
            batches += 1
            guard batches <= 2 else { return .stopped }
            return .fails(candidates[0])
        }
        #expect(result == Array(0..<8), "two halvings, then stopped")
    }

    @Test func splitCutsIntoNearlyEqualNonEmptyParts() {
        #expect(DeltaDebugging.split([1, 2, 3, 4, 5], into: 2) == [[1, 2], [3, 4, 5]])
        #expect(DeltaDebugging.split([1, 2, 3], into: 3) == [[1], [2], [3]])
        #expect(DeltaDebugging.split(Array(0..<10), into: 4).map(\.count) == [2, 2, 3, 3])
    }

    @Test func aShrunkScheduleDropsWhatARemovedDecisionMadePossible() {
        let entries = [
            entry(.terminate(replica: 1)), entry(.pause(replica: 0)), entry(.restart(replica: 1)),
            entry(.resume(replica: 0)), entry(.heal), entry(.terminate(replica: 1)),
        ]
        let all = Array(entries.indices)
        #expect(ShrinkCandidate.consistent(all, of: entries, replicaCount: 3) == all)
        // Without the first terminate, its restart is impossible; the later terminate stays.
        #expect(
            ShrinkCandidate.consistent([1, 2, 3, 4, 5], of: entries, replicaCount: 3)
                == [1, 3, 4, 5]
        )
        // Without the pause, its resume goes too.
        #expect(ShrinkCandidate.consistent([0, 2, 3], of: entries, replicaCount: 3) == [0, 2])
        // A terminate twice in a row without the restart between: the second one goes.
        #expect(ShrinkCandidate.consistent([0, 5], of: entries, replicaCount: 3) == [0])
    }

    @Test func theRecordedScheduleComesDueAtItsTimesAndSkipsImpossibleDecisions() {
        let loopStartUs: Int64 = 80_000
        var schedule = ScriptedSchedule(
            entries: [
                entry(.pause(replica: 1), timeUs: 580_400, decidedUs: 580_000),
                entry(.restart(replica: 1), timeUs: 700_000),
                entry(.resume(replica: 1), timeUs: 900_300, decidedUs: 900_000),
            ],
            loopStartUs: loopStartUs
        )
        var cluster = ObservedCluster(replicaCount: 3)
        #expect(schedule.nextDueTime == .milliseconds(500), "decidedUs minus the loop start")
        #expect(schedule.next(at: .milliseconds(499), in: cluster) == nil)
        #expect(schedule.next(at: .milliseconds(500), in: cluster) == .carryOut(.pause(replica: 1)))
        cluster.apply(.pause(replica: 1))
        // Without decidedUs the decision is due at its timeUs; replica 1 is not terminated.
        #expect(schedule.nextDueTime == .milliseconds(620))
        #expect(
            schedule.next(at: .seconds(1), in: cluster)
                == .skip(.restart(replica: 1), reason: "replica 1 is paused")
        )
        #expect(schedule.next(at: .seconds(1), in: cluster) == .carryOut(.resume(replica: 1)))
        #expect(schedule.nextDueTime == nil)
        #expect(schedule.next(at: .seconds(100), in: cluster) == nil)
    }

    @Test func everyImpossibleDecisionSaysWhy() {
        var cluster = ObservedCluster(replicaCount: 2)
        #expect(cluster.impossibility(of: .restart(replica: 0)) == "replica 0 is running")
        #expect(cluster.impossibility(of: .resume(replica: 0)) == "replica 0 is running")
        #expect(
            cluster.impossibility(of: .pause(replica: 4))
                == "replica 4 does not exist in a 2-replica cluster"
        )
        cluster.apply(.terminate(replica: 1))
        #expect(cluster.impossibility(of: .terminate(replica: 1)) == "replica 1 is terminated")
        #expect(cluster.impossibility(of: .pause(replica: 1)) == "replica 1 is terminated")
        #expect(cluster.impossibility(of: .restart(replica: 1)) == nil)
        #expect(cluster.impossibility(of: .isolate(replica: 1)) == nil)
        #expect(cluster.impossibility(of: .heal) == nil)
    }

    @Test func theShrunkDurationEndsJustAfterTheFailure() {
        #expect(Shrinker.duration(after: .milliseconds(2_754)) == .milliseconds(3_800))
        #expect(Shrinker.duration(after: .zero) == .seconds(1))
        // From 10 s on the margin is a tenth.
        #expect(Shrinker.duration(after: .seconds(30)) == .seconds(33))
        #expect(Shrinker.duration(after: .milliseconds(12_345)) == .milliseconds(13_600))
    }

    @Test func theLoopEndsOnlyOnceEveryDecisionDueBeforeTheEndWasCarriedOut() {
        let end = Duration.seconds(15)
        // The seeded scheduler has no due times: the run ends at its duration.
        #expect(!ClusterRun.isOver(at: .milliseconds(14_999), testDuration: end, nextDue: nil))
        #expect(ClusterRun.isOver(at: end, testDuration: end, nextDue: nil))
        // A replay that woke after the end with a decision due at 14.99 s carries it out first.
        #expect(
            !ClusterRun.isOver(
                at: .milliseconds(15_004),
                testDuration: end,
                nextDue: .milliseconds(14_990)
            )
        )
        // Decisions due at or after the end (a shrunk duration cuts them) do not hold it.
        #expect(ClusterRun.isOver(at: .milliseconds(15_004), testDuration: end, nextDue: end))
        #expect(ClusterRun.isOver(at: end, testDuration: end, nextDue: .seconds(20)))
    }

    @Test func faultLogLinesKeepWhenTheDecisionWasTaken() throws {
        let written = FaultLogEntry(
            tick: 7,
            timeUs: 130_512,
            decision: .terminate(replica: 1),
            decidedUs: 129_870
        )
        let data = try JSONEncoder().encode(written)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        #expect(object["decidedUs"] as? Int == 129_870)
        #expect(try JSONDecoder().decode(FaultLogEntry.self, from: data) == written)
        let older = Data(#"{"tick":3,"timeUs":500,"action":"pause","replica":0}"#.utf8)
        let read = try JSONDecoder().decode(FaultLogEntry.self, from: older)
        #expect(read.decidedUs == nil)
        #expect(read.decision == .pause(replica: 0))
    }

    @Test func aSummaryFromBeforePartitionsRerunsWithEveryReplicaAllowedFaulty() throws {
        // summary.json as versions before partitions and --faulty-max wrote it.
        let older = Data(
            #"""
            {"schemaVersion":1,"verdict":"pass","reason":"pass","exitCode":0,"message":"ok",
             "seed":335,"configuration":{"target":"etcd","targetName":"etcd","backend":"proxy",
             "replicaCount":5,"testDurationSeconds":60,"livenessWindowSeconds":180,
             "faultWeights":{"none":12000,"terminate":2,"pause":2},
             "driverCommand":"{vortex-dir}/vortex-driver-etcd","workload":"ledger",
             "vortexVersion":"0.2.0","commandLine":["vortex","run"]},
             "elapsedSeconds":61,"faultsInjected":{"terminate":1},"actions":{"terminate":1},
             "requests":{},"requestsPerSecond":0,
             "latency":{"count":0,"p50Ms":0,"p90Ms":0,"p99Ms":0,"maxMs":0},
             "latencyByCommand":{},"longestRecoverySeconds":0,"output":"/o"}
            """#.utf8
        )
        var summary = try JSONDecoder().decode(RunSummary.self, from: older)
        #expect(summary.partitions == nil)
        #expect(summary.configuration.faultyMax == nil)
        #expect(summary.configuration.faultyReplicasMax == nil)
        let run = RecordedRun(directory: "/o", summary: summary, schedulePath: "/o/f", entries: [])
        let options = try run.runOptions(output: nil, testDuration: nil, keepOutput: false)
        #expect(options.faultyMax == "5")
        #expect(options.faultWeights.contains("partition-halves=0"))

        summary.configuration.faultyMax = "majority"
        let newer = RecordedRun(
            directory: "/o",
            summary: summary,
            schedulePath: "/o/f",
            entries: []
        )
        let rerun = try newer.runOptions(output: nil, testDuration: nil, keepOutput: false)
        #expect(rerun.faultyMax == "majority")
    }

    private func entry(
        _ decision: FaultDecision,
        timeUs: Int64 = 0,
        decidedUs: Int64? = nil
    ) -> FaultLogEntry {
        FaultLogEntry(tick: 0, timeUs: timeUs, decision: decision, decidedUs: decidedUs)
    }
}
