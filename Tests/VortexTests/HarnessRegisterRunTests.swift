// Whole-tool tests of `vortex run --workload register`: the built CLI with the register driver
// fixture (Fixtures/register-file-driver.py: registers in a locked file, so no cluster is needed)
// against stand-in replicas passes and writes a history `vortex check` accepts; a driver that
// serves reads from a stale cache fails with 13 and anomaly.html; a driver that stops answering
// is replaced by a new process; liveness asks for ok operations (17); a malformed reply fails
// with 16; real etcd passes under proxy faults with the built-in Swift driver and with the Python
// example of docs/workload.md; and `vortex replay` reruns a register run as one.

import Foundation
import Linearizability
import Testing

@testable import VortexHarness

@Suite(.ownThread, .serialized, .timeLimit(.minutes(5)))
struct HarnessRegisterRunTests {
    /// A scratch directory for the fixture driver's registers and the run's output.
    struct Run {
        let directory: String
        var output: String { directory + "/out" }

        init() throws {
            directory = HarnessCLI.newOutputDirectory()
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true
            )
        }

        func remove() {
            try? FileManager.default.removeItem(atPath: directory)
        }

        /// Runs the fixture driver in `mode` against stand-in replicas.
        func fileDriver(_ mode: String, _ extra: [String]) throws -> HarnessCLI.Outcome {
            try HarnessCLI.run(
                [
                    "run", "--workload", "register", "--target",
                    HarnessCLI.fixtures + "/harness-sleeper.toml", "--faults", "none",
                    "--output", output, "--keep-output", "--driver-command",
                    "\(HarnessCLI.fixtures)/register-file-driver.py \(directory) \(mode)",
                ] + extra
            )
        }

        /// history.jsonl's lines as JSON objects.
        func historyLines() throws -> [[String: Any]] {
            try String(contentsOfFile: output + "/history.jsonl", encoding: .utf8)
                .split(separator: "\n")
                .map {
                    try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
                }
        }
    }

    @Test func aCorrectDriverPassesAndItsHistoryChecksAgain() throws {
        let run = try Run()
        defer { run.remove() }
        let outcome = try run.fileDriver(
            "correct",
            ["--clients", "3", "--test-duration", "6s", "--seed", "5"]
        )
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let summary = try OutputFormatChecks.checkSummary(run.output)
        #expect(summary.configuration.workload == "register")
        #expect(summary.message.hasSuffix("keys checked, none not linearizable"))
        #expect(summary.configuration.clients == 3)
        #expect(summary.configuration.requestTimeoutSeconds == 5)
        let register = try #require(summary.register)
        #expect(register.ok > 100 && register.fail > 0, "\(register)")
        #expect(register.keysChecked > 3 && register.keysNotLinearizable == 0, "\(register)")
        #expect(register.violations.isEmpty && register.driverRestarts == 0)
        #expect(Set(summary.requests.keys) == ["read", "write", "cas"])
        // Every completion is a finished request, except those the end of the run cut short.
        let completions = register.ok + register.fail + register.info
        #expect(((completions - 3)...completions).contains(summary.requests.values.reduce(0, +)))
        let history = try HistoryParser.load(path: run.output + "/history.jsonl", format: .vortex)
        #expect(history.processes == [0, 1, 2])
        #expect(history.operations.count == register.ok + register.fail + register.info)
        #expect(LinearizabilityChecker().check(history).verdict == .linearizable)
        let check = try HarnessCLI.run(["check", run.output + "/history.jsonl"])
        #expect(check.status == 0, "\(check.standardOutput)")
        #expect(!FileManager.default.fileExists(atPath: run.output + "/anomaly.html"))
        let clients = try HarnessCLI.traceEvents(run.output).filter {
            ["read", "write", "cas"].contains($0["name"] as? String ?? "")
        }.compactMap { $0["tid"] as? Int }
        #expect(Set(clients) == [0, 1, 2], "one trace track per client")
    }

    @Test func staleReadsFailWithThirteenAndAnAnomalyPage() throws {
        let run = try Run()
        defer { run.remove() }
        let outcome = try run.fileDriver("stale", ["--test-duration", "60s", "--seed", "8"])
        #expect(outcome.status == 13, "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("reason=not-linearizable code=13"))
        let summary = try OutputFormatChecks.checkSummary(run.output)
        #expect(summary.reason == "not-linearizable")
        #expect(summary.elapsedSeconds < 60, "a violation ends the run early")
        let violation = try #require(summary.register?.violations.first)
        #expect(violation.operations.count >= 2)
        #expect(summary.message.contains("register key \(violation.key) is not linearizable"))
        let page = try String(contentsOfFile: run.output + "/anomaly.html", encoding: .utf8)
        #expect(page.contains("key \(violation.key): not linearizable"))
        let log = try String(contentsOfFile: run.output + "/vortex.log", encoding: .utf8)
        #expect(log.contains("cannot be ordered"))
        // Each operation named in the summary is the one on its line of history.jsonl.
        let lines = try run.historyLines()
        for operation in violation.operations {
            let line = lines[operation.line - 1]
            #expect(line["type"] as? String == "invoke")
            #expect(line["process"] as? Int == operation.process)
            #expect(line["key"] as? Int == violation.key)
        }
        let check = try HarnessCLI.run(["check", run.output + "/history.jsonl"])
        #expect(check.status == 13, "\(check.standardOutput)")
    }

    @Test func aDriverThatStopsAnsweringIsReplacedByANewProcess() throws {
        let run = try Run()
        defer { run.remove() }
        let outcome = try run.fileDriver(
            "hang-once",
            [
                // 3 s: long enough for a fresh Python driver to start and answer on a loaded
                // machine, so the one hang is the only timeout.
                "--clients", "2", "--request-timeout", "3s", "--test-duration", "10s", "--seed",
                "4",
            ]
        )
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let summary = try OutputFormatChecks.checkSummary(run.output)
        #expect(summary.register?.driverRestarts == 1)
        let lines = try run.historyLines()
        let timedOut = try #require(
            lines.firstIndex {
                ($0["error"] as? String)?.contains("vortex killed the driver") == true
            }
        )
        #expect(lines[timedOut]["type"] as? String == "info")
        let hung = try #require(lines[timedOut]["process"] as? Int)
        let later = lines[(timedOut + 1)...].compactMap { $0["process"] as? Int }
        #expect(!later.contains(hung), "process \(hung) does nothing after its timeout")
        #expect(later.contains(hung + 2), "process \(hung + 2) takes over its client")
        let log = try String(contentsOfFile: run.output + "/vortex.log", encoding: .utf8)
        #expect(log.contains("process \(hung) gave no reply within 3s"))
        #expect(log.contains("killed it, process \(hung + 2) takes over"))
    }

    @Test func noOkOperationWithinTheLivenessWindowFailsWithSeventeen() throws {
        let run = try Run()
        defer { run.remove() }
        let outcome = try run.fileDriver(
            "silent",
            [
                "--clients", "2", "--request-timeout", "500ms", "--liveness-window", "3s",
                "--test-duration", "60s", "--seed", "6",
            ]
        )
        #expect(outcome.status == 17, "\(outcome.standardError)")
        let summary = try OutputFormatChecks.checkSummary(run.output)
        // Every operation timed out, and each timeout replaced its client's driver.
        let register = try #require(summary.register)
        #expect(register.ok == 0 && register.info > 2, "\(register)")
        #expect(register.driverRestarts >= register.info - 2, "\(register)")
    }

    @Test func anInterruptedRunKeepsAWholeHistoryAndLeavesNoProcess() async throws {
        let directory = try TrialDirectory("register")
        defer { directory.remove() }
        let process = directory.vortexProcess([
            "run", "--workload", "register", "--target",
            HarnessCLI.fixtures + "/harness-sleeper.toml", "--faults", "none",
            "--test-duration", "60s", "--seed", "9", "--output", directory.output,
            "--driver-command",
            "\(HarnessCLI.fixtures)/register-file-driver.py \(directory.path) correct",
        ])
        try process.run()
        let history = directory.output + "/history.jsonl"
        // Bounded by the time limit of the suite: the run writes lines from its first second.
        while directory.text(history).split(separator: "\n").count < 500 && process.isRunning {
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGINT)
        // Bounded by the time limit of the suite: vortex ends soon after SIGINT.
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(process.terminationStatus == 143)
        let summary = try OutputFormatChecks.checkSummary(directory.output)
        #expect(summary.reason == "interrupted")
        let register = try #require(summary.register)
        let parsed = try HistoryParser.load(path: history, format: .vortex)
        #expect(parsed.operations.count == register.ok + register.fail + register.info)
        #expect(register.keysChecked > 0 && register.keysNotLinearizable == 0)
        // Every invocation has its completion: the operations in flight ended `info`.
        let lines = directory.text(history).split(separator: "\n")
        #expect(lines.filter { $0.contains(#""type":"invoke""#) }.count * 2 == lines.count)
        let left = try await ProcessScan.waitForTrialProcessesToEnd(
            mentioning: directory.path,
            marker: directory.marker,
            pidNamespace: nil,
            timeout: .seconds(10)
        )
        #expect(left.isEmpty, "\(left)")
        ProcessScan.kill(left)
    }

    @Test func aMalformedReplyFailsWithSixteen() throws {
        let run = try Run()
        defer { run.remove() }
        let outcome = try run.fileDriver("garbage", ["--test-duration", "30s", "--seed", "2"])
        #expect(outcome.status == 16, "\(outcome.standardError)")
        let summary = try HarnessCLI.summary(run.output)
        #expect((summary["message"] as? String)?.contains("this is not json") == true)
    }

    @Test func etcdWithItsRegisterDriverPassesUnderProxyFaults() throws {
        let output = HarnessCLI.newOutputDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let outcome = try HarnessCLI.run([
            "run", "--target", "etcd", "--workload", "register", "--replica-count", "3",
            "--clients", "5", "--test-duration", "30s", "--faults", "proxy", "--seed", "21",
            "--fault-weight", "none=3000", "--output", output, "--keep-output",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let summary = try OutputFormatChecks.checkSummary(output)
        let register = try #require(summary.register)
        #expect(register.ok > 200 && register.keysChecked > 10, "\(register)")
        #expect(summary.actions.values.reduce(0, +) > 0, "faults were injected")
    }

    @Test func pythonExampleDriverPassesOnEtcd() throws {
        let run = try Run()
        defer { run.remove() }
        let driver = run.directory + "/register_driver.py"
        try Self.exampleDriver().write(toFile: driver, atomically: true, encoding: .utf8)
        let outcome = try HarnessCLI.run([
            "run", "--target", "etcd", "--workload", "register", "--replica-count", "3",
            "--test-duration", "25s", "--faults", "proxy", "--seed", "13", "--output",
            run.output, "--keep-output", "--driver-command", "python3 \(driver)",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let register = try #require(try OutputFormatChecks.checkSummary(run.output).register)
        #expect(register.ok > 100 && register.keysChecked > 5, "\(register)")
    }

    @Test func aReplayOfANotLinearizableRunFailsTheSameWay() throws {
        let run = try Run()
        defer { run.remove() }
        let outcome = try run.fileDriver(
            "stale",
            ["--clients", "3", "--request-timeout", "2s", "--test-duration", "60s", "--seed", "8"]
        )
        #expect(outcome.status == 13, "\(outcome.standardError)")
        let replay = run.directory + "/replay"
        let replayed = try HarnessCLI.run(["replay", run.output, "--output", replay])
        #expect(replayed.status == 13, "\(replayed.standardError)")
        #expect(
            replayed.standardOutput.contains(
                "replay: fails the same way as the original (reason=not-linearizable)"
            ),
            "\(replayed.standardOutput)"
        )
        let summary = try OutputFormatChecks.checkSummary(replay)
        #expect(summary.configuration.workload == "register")
        #expect(summary.configuration.clients == 3)
        #expect(summary.configuration.requestTimeoutSeconds == 2)
        #expect(summary.replay?.matchesOriginal == true)
        #expect(FileManager.default.fileExists(atPath: replay + "/anomaly.html"))
        let report = try String(contentsOfFile: replay + "/report.html", encoding: .utf8)
        #expect(report.contains("not-linearizable"))
    }

    @Test func aReplayOfAnEtcdRegisterRunUsesTheTargetsRegisterDriver() throws {
        let output = HarnessCLI.newOutputDirectory()
        let replay = output + "-replay"
        defer {
            try? FileManager.default.removeItem(atPath: output)
            try? FileManager.default.removeItem(atPath: replay)
        }
        let outcome = try HarnessCLI.run([
            "run", "--target", "etcd", "--workload", "register", "--clients", "2",
            "--test-duration", "8s", "--faults", "proxy", "--seed", "23", "--output", output,
            "--keep-output",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let options = try RecordedRun.read(directory: output)
            .runOptions(output: replay, testDuration: nil, keepOutput: false)
        #expect(options.workload == "register" && options.clients == "2")
        #expect(options.driverCommand == nil, "the target's own register driver needs no flag")
        let replayed = try HarnessCLI.run(["replay", output, "--output", replay, "--keep-output"])
        #expect(replayed.status == 0, "\(replayed.standardError)")
        #expect(replayed.standardOutput.contains("replay: passes as the original (reason=pass)"))
        let register = try #require(try OutputFormatChecks.checkSummary(replay).register)
        #expect(register.ok > 20 && register.keysNotLinearizable == 0, "\(register)")
    }

    /// The Python driver of docs/workload.md, as the reader sees it.
    static func exampleDriver() throws -> String {
        let guide = URL(fileURLWithPath: HarnessCLI.fixtures)
            .appendingPathComponent("../../../docs/workload.md").standardizedFileURL.path
        let text = try String(contentsOfFile: guide, encoding: .utf8)
        let section = try #require(
            text.components(separatedBy: "### Example: a register driver for etcd in Python").last
        )
        let code = try #require(
            section.components(separatedBy: "```python\n").dropFirst().first?
                .components(separatedBy: "```").first
        )
        #expect(
            code.split(separator: "\n", omittingEmptySubsequences: false).count <= 41,
            "at most 40 lines"
        )
        return code
    }

    @Test func registerFlagsAreCheckedBeforeAnythingStarts() throws {
        for (arguments, fragment) in [
            (["--clients", "3"], "--clients applies to --workload register only"),
            (["--request-timeout", "1s"], "--request-timeout applies to --workload register"),
            (["--workload", "kv"], "--workload 'kv' is not a workload; use ledger or register"),
            (["--workload", "register", "--clients", "0"], "--clients '0' is out of range"),
            (["--workload", "register", "--clients", "33"], "--clients '33' is out of range"),
            (["--workload", "register", "--request-timeout", "0s"], "--request-timeout"),
            (
                [
                    "--workload", "register", "--target", "tigerbeetle", "--tigerbeetle-executable",
                    "/bin/true",
                ],
                "target tigerbeetle has no register driver"
            ),
        ] {
            let output = HarnessCLI.newOutputDirectory()
            let outcome = try HarnessCLI.run(["run", "--output", output] + arguments)
            #expect(outcome.status == 2, "\(arguments)")
            #expect(outcome.standardError.split(separator: "\n").count == 1, "\(arguments)")
            #expect(outcome.standardError.contains(fragment), "\(outcome.standardError)")
            #expect(!FileManager.default.fileExists(atPath: output), "nothing was started")
        }
    }
}
