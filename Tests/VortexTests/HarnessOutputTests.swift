// Tests of a run's outputs: exit codes as the design lists them, latency percentiles within the
// histogram's error, summary.json's fields, the verdict line's fixed form and the progress line.

import Foundation
import Testing
import VortexHarness
import Workload

@Suite struct HarnessOutputTests {
    @Test func exitCodesAreTheDesignedOnes() {
        let codes = Dictionary(
            uniqueKeysWithValues: RunOutcome.allCases.map { ($0.description, $0.code) }
        )
        #expect(
            codes == [
                "pass": 0, "internal-error": 1, "usage": 2, "driver-exited-early": 10,
                "driver-exit-status": 11, "reconciliation": 13, "not-linearizable": 13,
                "replica-exited": 14,
                "driver-request-write": 15, "driver-reply-unreadable": 16, "liveness": 17,
                "request-slow": 18, "replica-killed": 137, "interrupted": 143,
            ]
        )
    }

    @Test func percentilesAreWithinTheBucketError() {
        var histogram = LatencyHistogram()
        for milliseconds in 1...1_000 {
            histogram.record(.milliseconds(milliseconds))
        }
        #expect(histogram.count == 1_000)
        #expect(histogram.maximum == .milliseconds(1_000))
        #expect(histogram.minimum == .milliseconds(1))
        for (fraction, exact) in [(0.5, 500.0), (0.9, 900.0), (0.99, 990.0)] {
            let value =
                Double(histogram.percentile(fraction).components.attoseconds) / 1e15
                + Double(histogram.percentile(fraction).components.seconds) * 1_000
            #expect(value >= exact && value <= exact * 1.07, "p\(fraction): \(value)")
        }
        #expect(histogram.percentile(1) == .milliseconds(1_000))
        #expect(LatencyHistogram().percentile(0.5) == .zero)
    }

    @Test func mergingAddsCounts() {
        var first = LatencyHistogram()
        var second = LatencyHistogram()
        first.record(.milliseconds(5))
        second.record(.seconds(2))
        second.record(.microseconds(3))
        first.merge(second)
        #expect(first.count == 3)
        #expect(first.maximum == .seconds(2))
        #expect(first.minimum == .microseconds(3))
    }

    @Test func outcomesHaveOneVerdictClassEach() {
        #expect(RunOutcome.replicaKilled.verdict == .indeterminate)
        #expect(RunOutcome.interrupted.verdict == .indeterminate)
        #expect(RunOutcome.pass.verdict == .pass)
        #expect(RunOutcome.liveness.verdict == .fail)
        for outcome in RunOutcome.allCases {
            #expect(RunOutcome(name: outcome.description) == outcome)
            #expect(RunOutcome.helpSentence.contains("\(outcome.code) \(outcome.meaning)"))
        }
    }

    @Test func userGuideExitCodeTableIsTheOutcomeTable() throws {
        let guide = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/user-guide.md").standardizedFileURL.path
        let text = try String(contentsOfFile: guide, encoding: .utf8)
        let section = try #require(text.components(separatedBy: "## Exit codes").last)
        // Rows `| 17 | `liveness` | … |`: the code and the reason name.
        let rows = section.split(separator: "\n").compactMap { line -> String? in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, Int(cells[0]) != nil else { return nil }
            return "\(cells[0]) \(cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`")))"
        }
        #expect(rows == RunOutcome.allCases.map { "\($0.code) \($0)" })
    }

    @Test func workloadFailureKindsMapToTheOriginalsCodes() {
        let codes = Dictionary(
            uniqueKeysWithValues: WorkloadFailureKind.allCases.map { ($0, RunOutcome($0).code) }
        )
        #expect(
            codes == [
                .driverStartFailed: 2, .driverExited: 10, .driverEndStatus: 11,
                .requestWriteFailed: 15, .replyUnreadable: 16, .modelMismatch: 13,
                .noPossibleCommand: 2,
            ]
        )
    }

    @Test func verdictLineHasTheFixedForm() {
        #expect(
            RunSummary.verdictLine(outcome: .pass, seed: 7, output: "/o")
                == "vortex: PASS reason=pass code=0 seed=7 output=/o"
        )
        #expect(
            RunSummary.verdictLine(outcome: .pass, seed: 7, output: nil)
                == "vortex: PASS reason=pass code=0 seed=7 output=removed"
        )
        #expect(
            RunSummary.verdictLine(outcome: .requestSlow, seed: 8, output: "/p")
                == "vortex: FAIL reason=request-slow code=18 seed=8 output=/p"
        )
        #expect(
            RunSummary.verdictLine(outcome: .interrupted, seed: 9, output: "/q")
                == "vortex: INDETERMINATE reason=interrupted code=143 seed=9 output=/q"
        )
    }

    @Test func progressLineShowsTheRun() {
        let snapshot = ProgressSnapshot(
            elapsed: .seconds(42),
            total: .seconds(3_725),
            requestsDone: 1_234,
            replicasUp: 2,
            replicaCount: 3,
            activeFaults: ["r1 terminated", "delay 120±50ms"]
        )
        #expect(
            snapshot.render()
                == "vortex 0:42/1:02:05 requests=1234 up=2/3 faults=r1 terminated, delay 120±50ms"
        )
        #expect(snapshot.render(width: 30).count == 30)
    }
}
