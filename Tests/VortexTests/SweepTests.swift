// Whole-tool tests of `vortex sweep` with the local engine: bad input is one line and exit 2 with
// nothing created; six seeds against real etcd, one of them planted to fail (a fixture driver
// that answers wrongly for that seed only), give six verdicts with exactly that seed failing and
// kept; an interrupted sweep stops its runs in order and leaves a sweep.json that says which
// seeds ran. After each, no process of the sweep is left.

import Foundation
import Testing
import VortexHarness

/// Processes whose command line mentions `text` (never this test process).
func processesMentioning(_ text: String) -> [String] {
    let own = getpid()
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> String? in
        guard let pid = Int32(entry), pid != own,
            let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
        else { return nil }
        let command = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
        return command.contains(text) ? "\(pid) \(command.prefix(160))" : nil
    }
}

/// Waits up to `seconds` for no process to mention `text`; returns those left.
func waitForNoProcessMentioning(_ text: String, seconds: Int = 20) -> [String] {
    var left = processesMentioning(text)
    // Bounded: ten looks per second.
    for _ in 0..<(seconds * 10) where !left.isEmpty {
        Thread.sleep(forTimeInterval: 0.1)
        left = processesMentioning(text)
    }
    return left
}

@Suite(.ownThread, .serialized, .timeLimit(.minutes(5)))
struct SweepTests {
    @Test func badInputIsOneLineAndExitTwo() throws {
        let output = HarnessCLI.newOutputDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let cases: [([String], String)] = [
            (["sweep", "--seeds", "5-1"], "vortex: --seeds '5-1' ends before it starts"),
            (["sweep", "--seeds", "1-3", "--jobs", "0"], "vortex: --jobs '0' is not a number"),
            (["sweep"], "vortex: --seeds is missing"),
            (
                ["sweep", "--seeds", "1-3", "--replica-count", "9"],
                "vortex: --replica-count '9' is out of range"
            ),
            (["sweep", "--seeds", "1-3", "--seed", "4"], "vortex: --seed cannot be given"),
            (
                ["sweep", "--seeds", "1-3", "--slurm"],
                "vortex: --slurm: "
            ),
        ]
        // A Slurm configuration whose controller does not answer (port 9 on the loopback
        // address; without Slurm's commands installed the line names the missing command).
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        let slurmConfiguration = try scratch.write(
            "slurm.conf",
            "ClusterName=none\nSlurmctldHost=localhost(127.0.0.1)\nSlurmctldPort=9\n"
        )
        for (arguments, prefix) in cases {
            let outcome = try HarnessCLI.run(
                arguments + ["--output", output],
                environment: ["SLURM_CONF": slurmConfiguration]
            )
            #expect(outcome.status == 2, "\(arguments): \(outcome.standardError)")
            let lines = outcome.standardError.split(separator: "\n")
            #expect(lines.count == 1, "\(arguments): \(outcome.standardError)")
            #expect(
                outcome.standardError.hasPrefix(prefix),
                "\(arguments): \(outcome.standardError)"
            )
            #expect(outcome.standardOutput.isEmpty, "\(arguments)")
            #expect(
                !FileManager.default.fileExists(atPath: output),
                "\(arguments) created \(output)"
            )
        }
    }

    @Test func runCheckOnlyValidatesAndStartsNothing() throws {
        let output = HarnessCLI.newOutputDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let good = try HarnessCLI.run([
            "run", "--check-only", "--target", "etcd", "--replica-count", "3", "--seed", "8",
            "--output", output,
        ])
        #expect(good.status == 0, "\(good.standardError)")
        #expect(
            good.standardOutput
                == "vortex: ok: target=etcd faults=proxy replicas=3 seed=8 output=\(output) "
                + "(nothing started)\n"
        )
        #expect(!FileManager.default.fileExists(atPath: output))
        let bad = try HarnessCLI.run(["run", "--check-only", "--replica-count", "0"])
        #expect(bad.status == 2)
        #expect(bad.standardError.hasPrefix("vortex: --replica-count '0' is out of range"))
    }

    @Test func sixSeedsWithOnePlantedFailure() throws {
        let output = HarnessCLI.newOutputDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let outcome = try HarnessCLI.run(
            [
                "sweep", "--seeds", "1-6", "--jobs", "2", "--output", output,
                "--target", "etcd", "--test-duration", "5s",
                "--driver-command", HarnessCLI.fixtures + "/sweep-seed-driver.sh {vortex-dir}",
            ],
            environment: ["VORTEX_TEST_FAILING_SEED": "4"]
        )
        #expect(outcome.status == 1, "\(outcome.standardOutput)\(outcome.standardError)")
        let document = try SweepDocument.read(path: output + "/sweep.json")
        #expect(document.state == .complete)
        #expect(document.runs.map(\.seed) == [1, 2, 3, 4, 5, 6])
        #expect(document.runs.allSatisfy { $0.status == .finished })
        #expect(document.counts.pass == 5 && document.counts.fail == 1, "\(document.counts)")
        let failing = document.runs.filter { $0.verdict != "pass" }
        #expect(failing.map(\.seed) == [4])
        #expect(failing.first?.reason == "reconciliation" && failing.first?.exitCode == 13)
        #expect(failing.first?.kept == "all")
        // The failing run keeps everything; a pass keeps report.html and summary.json.
        let kept = try FileManager.default.contentsOfDirectory(atPath: output + "/seed-4")
        for file in ["vortex.log", "faults.jsonl", "trace.json", "summary.json", "report.html"] {
            #expect(kept.contains(file), "seed-4 keeps \(file): \(kept)")
        }
        #expect(FileManager.default.fileExists(atPath: output + "/seed-4.out"))
        for seed in [1, 2, 3, 5, 6] {
            let files = try FileManager.default.contentsOfDirectory(
                atPath: output + "/seed-\(seed)"
            )
            #expect(files.sorted() == ["report.html", "summary.json"], "seed \(seed): \(files)")
            #expect(!FileManager.default.fileExists(atPath: output + "/seed-\(seed).out"))
        }
        let index = try String(contentsOfFile: output + "/index.html", encoding: .utf8)
        #expect(occurrences(of: "<tr class=\"pass\"", in: index) == 5)
        #expect(occurrences(of: "<tr class=\"fail\" data-seed=\"4\"", in: index) == 1)
        for record in document.runs {
            let report = try #require(record.report, "seed \(record.seed) has a report")
            #expect(index.contains("href=\"\(report)\""))
            #expect(FileManager.default.fileExists(atPath: output + "/" + report))
        }
        // The table names the failure, its reason and how to reproduce it.
        #expect(outcome.standardOutput.contains("  fail          4"))
        #expect(outcome.standardOutput.contains("  pass          1-3, 5-6"))
        #expect(outcome.standardOutput.contains("seed 4: reconciliation (exit 13)"))
        #expect(outcome.standardOutput.contains("reproduce: vortex run --seed 4 "))
        #expect(waitForNoProcessMentioning(output).isEmpty)
    }

    @Test func interruptedSweepStopsItsRunsAndSaysWhichRan() throws {
        let output = HarnessCLI.newOutputDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HarnessCLI.executable)
        process.arguments = [
            "sweep", "--seeds", "1-6", "--jobs", "2", "--output", output,
            "--target", HarnessCLI.fixtures + "/harness-sleeper.toml", "--replica-count", "3",
            "--test-duration", "5m",
            "--driver-command", HarnessCLI.fixtures + "/sweep-driver.py silent",
        ]
        let console = Pipe()
        process.standardOutput = console
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Bounded wait (30 s) until both running runs have their tick loop going.
        var running = false
        for _ in 0..<300 where !running {
            Thread.sleep(forTimeInterval: 0.1)
            running = [1, 2].allSatisfy { seed in
                let log =
                    (try? String(
                        contentsOfFile: "\(output)/seed-\(seed)/vortex.log",
                        encoding: .utf8
                    )) ?? ""
                return log.contains("vortex/faults ready")
            }
        }
        #expect(running)
        kill(process.processIdentifier, SIGINT)
        let printed = console.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 143, "\(String(decoding: printed, as: UTF8.self))")
        let document = try SweepDocument.read(path: output + "/sweep.json")
        #expect(document.state == .interrupted)
        let ran = document.runs.filter { $0.status == .finished }
        #expect(ran.map(\.seed) == [1, 2])
        #expect(ran.allSatisfy { $0.verdict == "indeterminate" && $0.reason == "interrupted" })
        #expect(ran.allSatisfy { $0.exitCode == 143 })
        #expect(document.runs.filter { $0.status == .notStarted }.map(\.seed) == [3, 4, 5, 6])
        // Each run stopped in order: its summary says interrupted, its trace is closed.
        for seed in [1, 2] {
            let summary = try HarnessCLI.summary("\(output)/seed-\(seed)")
            #expect(summary["reason"] as? String == "interrupted")
            _ = try HarnessCLI.traceEvents("\(output)/seed-\(seed)")
        }
        #expect(FileManager.default.fileExists(atPath: output + "/index.html"))
        #expect(waitForNoProcessMentioning(output).isEmpty)
    }
}
