// Whole-tool tests of `vortex replay` and `vortex shrink` with the built CLI and real processes:
// a stand-in cluster that fails only when replica 1 is paused while replica 0 is down
// (Fixtures/harness-pause-kill.toml) is shrunk to exactly that pause and that terminate, and the
// printed command fails the same way three times out of three; a passing etcd run replays to a
// pass and every failure fixture to its own failure; replayed decisions land within milliseconds
// of their recorded times; impossible decisions are skipped and logged; a spent budget stops the
// search.

import Foundation
import Testing
import VortexHarness

/// Runs and output directories of the replay tests.
enum ReplayCLI {
    static let fixtures = HarnessCLI.fixtures
    static let silentDriver = fixtures + "/harness-driver.py silent"

    /// `vortex run` with `arguments`, keeping its output; returns the outcome.
    static func run(_ arguments: [String], output: String) throws -> HarnessCLI.Outcome {
        try HarnessCLI.run(["run", "--output", output, "--keep-output"] + arguments)
    }

    /// The decisions of `<output>/faults.jsonl` with their times since the tick loop started,
    /// in microseconds.
    static func loopTimedDecisions(_ output: String) throws -> [(FaultDecision, Int64)] {
        let data = try Data(contentsOf: URL(fileURLWithPath: output + "/summary.json"))
        let summary = try JSONDecoder().decode(RunSummary.self, from: data)
        let start = try #require(summary.tickLoopStartUs)
        return try FaultLogReader.read(path: output + "/faults.jsonl").map {
            ($0.decision, $0.timeUs - start)
        }
    }

    /// The summary of a kept output directory, decoded.
    static func summary(_ output: String) throws -> RunSummary {
        let data = try Data(contentsOf: URL(fileURLWithPath: output + "/summary.json"))
        return try JSONDecoder().decode(RunSummary.self, from: data)
    }

    /// Every file under `directory` with its contents, to show that nothing changed.
    static func snapshot(_ directory: String) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let path = enumerator?.nextObject() as? String {
            files[path] = FileManager.default.contents(atPath: directory + "/" + path) ?? Data()
        }
        return files
    }
}

@Suite(.ownThread, .serialized, .timeLimit(.minutes(10)))
struct ReplayShrinkTests {
    @Test func shrinkFindsThePauseAndTheKillThatFailTogether() throws {
        let original = HarnessCLI.newOutputDirectory()
        let shrunk = HarnessCLI.newOutputDirectory()
        var replays: [String] = []
        defer {
            for directory in [original, shrunk] + replays {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
        // Seed 13 pauses replica 1 and then kills replica 0 after seven other decisions. The
        // bug needs two faulty replicas at once, more than the default --faulty-max (minority,
        // 1 of 3) allows: every replica may be faulty here.
        let run = try ReplayCLI.run(
            [
                "--target", ReplayCLI.fixtures + "/harness-pause-kill.toml", "--replica-count",
                "3", "--faulty-max", "3", "--faults", "none", "--test-duration", "15s",
                "--liveness-window", "60s",
                "--seed", "13", "--driver-command", ReplayCLI.silentDriver,
                "--fault-weight", "none=1000", "--fault-weight", "terminate=8",
                "--fault-weight", "restart=12", "--fault-weight", "pause=8",
                "--fault-weight", "resume=8", "--fault-weight", "heal=4",
            ],
            output: original
        )
        #expect(run.status == 14, "\(run.standardError)")
        let originalDecisions = try FaultLogReader.read(path: original + "/faults.jsonl")
        #expect(originalDecisions.count > 5, "\(originalDecisions.map(\.decision))")
        let before = ReplayCLI.snapshot(original)

        let shrink = try HarnessCLI.run([
            "shrink", original, "--budget", "8m", "--jobs", "2", "--output", shrunk,
        ])
        #expect(shrink.status == 0, "\(shrink.standardOutput)\(shrink.standardError)")
        #expect(ReplayCLI.snapshot(original) == before, "shrink only reads the original")
        let smallest = try FaultLogReader.read(path: shrunk + "/faults.jsonl").map(\.decision)
        #expect(smallest == [.pause(replica: 1), .terminate(replica: 0)])
        #expect(FileManager.default.fileExists(atPath: shrunk + "/replay/summary.json"))
        #expect(!FileManager.default.fileExists(atPath: shrunk + "/candidates"))
        let log = try String(contentsOfFile: shrunk + "/shrink.log", encoding: .utf8)
        #expect(log.contains("candidate 1: \(originalDecisions.count) decisions"), "\(log)")

        // A budget shorter than one candidate stops it and reproduces nothing (exit 1).
        let hurried = HarnessCLI.newOutputDirectory()
        replays.append(hurried)
        let spent = try HarnessCLI.run([
            "shrink", original, "--budget", "2s", "--jobs", "1", "--output", hurried,
        ])
        #expect(spent.status == 1, "\(spent.standardOutput)\(spent.standardError)")
        #expect(spent.standardOutput.contains("the budget ran out before the failure reproduced"))
        #expect(!FileManager.default.fileExists(atPath: hurried + "/candidates"))
        #expect(!FileManager.default.fileExists(atPath: hurried + "/faults.jsonl"))

        let command = try #require(shrink.standardOutput.split(separator: "\n").last)
        let words = command.split(separator: " ").map(String.init)
        #expect(Array(words.prefix(3)) == [HarnessCLI.executable, "replay", original])
        #expect(words.contains(shrunk + "/faults.jsonl"))
        for _ in 0..<3 {
            let output = HarnessCLI.newOutputDirectory()
            replays.append(output)
            let replay = try HarnessCLI.run(Array(words.dropFirst()) + ["--output", output])
            #expect(replay.status == 14, "\(replay.standardError)")
            #expect(
                replay.standardOutput.contains(
                    "vortex: replay: fails the same way as the original (reason=replica-exited)"
                ),
                "\(replay.standardOutput)"
            )
            let summary = try ReplayCLI.summary(output)
            #expect(summary.replay?.scheduled == 2)
            #expect(summary.replay?.skipped == 0)
            #expect(summary.replay?.matchesOriginal == true)
        }
    }

    @Test func replayOfAPassingEtcdRunPasses() throws {
        let original = HarnessCLI.newOutputDirectory()
        let replay = HarnessCLI.newOutputDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: original)
            try? FileManager.default.removeItem(atPath: replay)
        }
        let run = try ReplayCLI.run(
            [
                "--target", "etcd", "--replica-count", "3", "--faults", "proxy",
                "--test-duration", "15s", "--seed", "335", "--fault-weight", "none=1500",
            ],
            output: original
        )
        #expect(run.status == 0, "\(run.standardError)")
        let recorded = try FaultLogReader.read(path: original + "/faults.jsonl").map(\.decision)
        #expect(recorded.contains { $0.kind == .terminate }, "\(recorded)")
        #expect(recorded.contains { $0.kind.isNetworkFault }, "\(recorded)")
        let outcome = try HarnessCLI.run(["replay", original, "--output", replay, "--keep-output"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = outcome.standardOutput.split(separator: "\n")
        #expect(lines.dropLast().last == "vortex: replay: passes as the original (reason=pass)")
        #expect(lines.last == "vortex: PASS reason=pass code=0 seed=335 output=\(replay)")
        let summary = try OutputFormatChecks.checkSummary(replay)
        #expect(summary.replay?.scheduled == recorded.count)
        #expect(summary.replay?.skipped == 0)
        #expect(try FaultLogReader.read(path: replay + "/faults.jsonl").map(\.decision) == recorded)
    }

    /// A detection fixture of HarnessRunTests: its flags and how it fails.
    struct FailureFixture: Sendable, CustomStringConvertible {
        let description: String
        let arguments: [String]
        let code: Int32
        let reason: String
    }

    /// A fixture on the sleeper target: the test duration, the driver and any other flags.
    static func sleeperFixture(
        _ description: String,
        testDuration: String,
        driver: String,
        flags: [String] = [],
        code: Int32,
        reason: String
    ) -> FailureFixture {
        FailureFixture(
            description: description,
            arguments: [
                "--target", HarnessCLI.fixtures + "/harness-sleeper.toml", "--test-duration",
                testDuration, "--driver-command", driver,
            ] + flags,
            code: code,
            reason: reason
        )
    }

    static let failureFixtures = [
        sleeperFixture(
            "wrong status",
            testDuration: "30s",
            driver: HarnessCLI.fixtures + "/harness-driver.py wrong-status",
            code: 13,
            reason: "reconciliation"
        ),
        sleeperFixture(
            "silent driver",
            testDuration: "60s",
            driver: ReplayCLI.silentDriver,
            flags: ["--liveness-window", "2s"],
            code: 17,
            reason: "liveness"
        ),
        sleeperFixture(
            "garbage reply",
            testDuration: "30s",
            driver: HarnessCLI.fixtures + "/harness-driver.py garbage",
            code: 16,
            reason: "driver-reply-unreadable"
        ),
        sleeperFixture(
            "driver exits",
            testDuration: "30s",
            driver: "/bin/true",
            code: 10,
            reason: "driver-exited-early"
        ),
        FailureFixture(
            description: "replica exits",
            arguments: [
                "--target", HarnessCLI.fixtures + "/harness-exiting-replica.yaml",
                "--replica-count", "3", "--test-duration", "30s", "--driver-command",
                ReplayCLI.silentDriver,
            ],
            code: 14,
            reason: "replica-exited"
        ),
    ]

    @Test(arguments: failureFixtures)
    func replayOfAFailureFixtureFailsTheSameWay(fixture: FailureFixture) throws {
        let original = HarnessCLI.newOutputDirectory()
        let replay = HarnessCLI.newOutputDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: original)
            try? FileManager.default.removeItem(atPath: replay)
        }
        let run = try ReplayCLI.run(
            ["--faults", "none", "--seed", "11"] + fixture.arguments,
            output: original
        )
        #expect(run.status == fixture.code, "\(fixture): \(run.standardError)")
        let outcome = try HarnessCLI.run(["replay", original, "--output", replay])
        #expect(outcome.status == fixture.code, "\(fixture): \(outcome.standardError)")
        let originalSummary = try ReplayCLI.summary(original)
        let summary = try ReplayCLI.summary(replay)
        #expect(summary.reason == fixture.reason)
        #expect(summary.mismatch == originalSummary.mismatch)
        if fixture.reason == "reconciliation" {
            #expect(summary.mismatch == "wrong status")
        }
        #expect(summary.replay?.matchesOriginal == true, "\(fixture)")
        #expect(
            outcome.standardOutput.contains(
                "vortex: replay: fails the same way as the original (reason=\(fixture.reason)"
            ),
            "\(fixture): \(outcome.standardOutput)"
        )
    }

    @Test func replayedDecisionsLandWithinMillisecondsOfTheirRecordedTimes() throws {
        let original = HarnessCLI.newOutputDirectory()
        let replay = HarnessCLI.newOutputDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: original)
            try? FileManager.default.removeItem(atPath: replay)
        }
        // Process faults every few ticks against stand-in replicas: every decision succeeds.
        let run = try ReplayCLI.run(
            [
                "--target", ReplayCLI.fixtures + "/harness-sleeper.toml", "--replica-count", "3",
                "--faults", "none", "--test-duration", "10s", "--liveness-window", "60s",
                "--seed", "21", "--driver-command", ReplayCLI.silentDriver,
                "--fault-weight", "none=400", "--fault-weight", "terminate=30",
                "--fault-weight", "restart=60", "--fault-weight", "pause=30",
                "--fault-weight", "resume=60", "--fault-weight", "heal=10",
            ],
            output: original
        )
        #expect(run.status == 0, "\(run.standardError)")
        let outcome = try HarnessCLI.run(["replay", original, "--output", replay, "--keep-output"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let recorded = try ReplayCLI.loopTimedDecisions(original)
        let replayed = try ReplayCLI.loopTimedDecisions(replay)
        #expect(recorded.count >= 100, "decisions: \(recorded.count)")
        #expect(replayed.map(\.0) == recorded.map(\.0), "every decision, in order")
        let errorsUs = zip(recorded, replayed).map { abs($1.1 - $0.1) }
        guard errorsUs.count >= 100 else { return }
        // The same-run reference: how long the original took to carry each decision out.
        let carryingOutUs = try FaultLogReader.read(path: original + "/faults.jsonl").map {
            $0.timeUs - ($0.decidedUs ?? $0.timeUs)
        }
        func percentile(_ values: [Int64], _ fraction: Double) -> Int64 {
            values.sorted()[Int((Double(values.count) * fraction).rounded(.up)) - 1]
        }
        print(
            "replay timing: \(errorsUs.count) decisions, |replayed − recorded| p50 "
                + "\(percentile(errorsUs, 0.5)) us, p99 \(percentile(errorsUs, 0.99)) us, max "
                + "\(percentile(errorsUs, 1)) us; carrying out in the original p50 "
                + "\(percentile(carryingOutUs, 0.5)) us, p99 \(percentile(carryingOutUs, 0.99)) us"
        )
        // Generous bounds that hold on a loaded machine, where a CPU stall of a tenth of a
        // second delays the few decisions due during it (docs/benchmarks.md has the measured
        // figures). A replay that counted from the run's clock origin instead of the loop's
        // start, or counted ticks (which drift), would be off by tens of milliseconds or more
        // for most decisions.
        #expect(percentile(errorsUs, 0.5) < 10_000, "p50 \(percentile(errorsUs, 0.5)) us")
        #expect(percentile(errorsUs, 0.99) < 500_000, "p99 \(percentile(errorsUs, 0.99)) us")
    }

    @Test func impossibleDecisionsAreLoggedAndSkipped() throws {
        let scratch = try HarnessScratch()
        let original = HarnessCLI.newOutputDirectory()
        let replay = HarnessCLI.newOutputDirectory()
        defer {
            scratch.remove()
            try? FileManager.default.removeItem(atPath: original)
            try? FileManager.default.removeItem(atPath: replay)
        }
        let run = try ReplayCLI.run(
            [
                "--target", ReplayCLI.fixtures + "/harness-sleeper.toml", "--replica-count", "2",
                "--faults", "none", "--test-duration", "3s", "--seed", "5",
                "--driver-command", ReplayCLI.silentDriver,
            ],
            output: original
        )
        #expect(run.status == 0, "\(run.standardError)")
        let start = try #require(try ReplayCLI.summary(original).tickLoopStartUs)
        let schedule = try scratch.write(
            "faults.jsonl",
            """
            {"format":"vortex-faults","schemaVersion":1}
            {"tick":1,"timeUs":\(start + 300_000),"action":"restart","replica":1}
            {"tick":2,"timeUs":\(start + 400_000),"action":"pause","replica":1}
            {"tick":3,"timeUs":\(start + 600_000),"action":"resume","replica":1}

            """
        )
        let outcome = try HarnessCLI.run([
            "replay", original, "--schedule", schedule, "--output", replay, "--keep-output",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(
            outcome.standardOutput.contains("(impossible decisions skipped: 1; see vortex.log)")
        )
        let summary = try ReplayCLI.summary(replay)
        #expect(summary.replay?.scheduled == 3)
        #expect(summary.replay?.skipped == 1)
        #expect(summary.replay?.schedule == schedule)
        let log = try String(contentsOfFile: replay + "/vortex.log", encoding: .utf8)
        #expect(log.contains("replay: skipped restart replica=1: replica 1 is running"))
        let carriedOut = try FaultLogReader.read(path: replay + "/faults.jsonl").map(\.decision)
        #expect(carriedOut == [.pause(replica: 1), .resume(replica: 1)])
    }
}
