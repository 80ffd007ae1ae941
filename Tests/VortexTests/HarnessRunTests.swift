// Whole-tool tests of `vortex run`: the built CLI runs real clusters in its own namespaces. A
// 1-replica etcd without faults passes; misbehaving drivers and replicas (fixtures in
// Fixtures/harness-*) end in their documented exit codes; a pass removes its output directory
// and a failure keeps it with a parseable trace and summary; bad flags exit 2 with one line.

import Foundation
import Testing
import VortexHarness

/// The built `vortex` next to the test runner, and the fixtures folder.
enum HarnessCLI {
    static let fixtures =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures"

    static var executable: String {
        let runner =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: runner).deletingLastPathComponent()
        // The runner may sit inside an .xctest bundle folder.
        while !FileManager.default.fileExists(atPath: directory.path + "/vortex")
            && directory.path != "/"
        {
            directory.deleteLastPathComponent()
        }
        return directory.path + "/vortex"
    }

    struct Outcome {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// Runs `vortex` with `arguments` (and `environment` added to ours) and waits for it.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self)
        )
    }

    static func newOutputDirectory() -> String {
        FileManager.default.temporaryDirectory.path + "/vortex-harness-run-" + UUID().uuidString
    }

    /// The summary.json of a kept output directory.
    static func summary(_ output: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: output + "/summary.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// The events of trace.json (must parse as a complete JSON array).
    static func traceEvents(_ output: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: output + "/trace.json"))
        return try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
    }
}

@Suite(.ownThread, .serialized, .timeLimit(.minutes(5)))
struct HarnessRunTests {
    @Test func badFlagsExitTwoWithOneLine() throws {
        for arguments in [
            ["run", "--replica-count", "7"], ["run", "--bogus"], ["run", "--test-duration", "0s"],
            ["run", "--seed"], ["run", "--target", "/no/such/target.toml"],
        ] {
            let outcome = try HarnessCLI.run(arguments)
            #expect(outcome.status == 2, "\(arguments)")
            let lines = outcome.standardError.split(separator: "\n")
            #expect(lines.count == 1, "\(arguments): \(outcome.standardError)")
            #expect(lines.first?.hasPrefix("vortex: ") == true)
            #expect(outcome.standardOutput.isEmpty)
        }
    }

    @Test func usageLinesNameTheInputThatIsWrong() throws {
        let missing = try HarnessCLI.run(["targets", "/nonexistent.toml"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("/nonexistent.toml does not exist"))
        #expect(!missing.standardError.contains("--target"), "targets has no --target flag")
        let upstream = try HarnessCLI.run([
            "proxy", "--listen", "127.0.0.1:0", "--upstream", "256.1.1.1:80",
        ])
        #expect(upstream.status == 2)
        #expect(upstream.standardError.hasPrefix("vortex: --upstream: '256.1.1.1'"))
        let delay = try HarnessCLI.run([
            "proxy", "--upstream", "127.0.0.1:80", "--delay", "1.5s",
        ])
        #expect(delay.status == 2)
        #expect(delay.standardError.contains("--delay '1.5s'"), "\(delay.standardError)")
    }

    @Test func netemWithoutKernelSupportExitsTwoAndLeavesNothing() throws {
        let output = HarnessCLI.newOutputDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let outcome = try HarnessCLI.run([
            "run", "--faults", "netem", "--test-duration", "2s", "--output", output,
        ])
        // On a kernel with sch_netem the run simply passes; without, it stops at start.
        guard outcome.status != 0 else { return }
        #expect(outcome.status == 2)
        #expect(outcome.standardError.split(separator: "\n").count == 1)
        #expect(outcome.standardError.contains("--faults proxy"))
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func targetsListsTheBuiltins() throws {
        let outcome = try HarnessCLI.run(["targets"])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("etcd: etcd 3.4"))
        #expect(outcome.standardOutput.contains("tigerbeetle: TigerBeetle"))
        let file = try HarnessCLI.run(["targets", HarnessCLI.fixtures + "/harness-etcd.yaml"])
        #expect(file.status == 0)
        #expect(file.standardOutput.hasPrefix("etcd-file: "))
    }

    @Test func oneReplicaEtcdWithoutFaultsPasses() throws {
        let output = HarnessCLI.newOutputDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let outcome = try HarnessCLI.run([
            "run", "--target", "etcd", "--replica-count", "1", "--test-duration", "5s",
            "--faults", "none", "--seed", "3", "--output", output,
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(
            outcome.standardOutput.split(separator: "\n").last
                == "vortex: PASS reason=pass code=0 seed=3 output=removed"
        )
        #expect(!FileManager.default.fileExists(atPath: output), "a pass removes its output")
    }

    @Test func threeReplicaEtcdUnderProxyFaultsPasses() throws {
        // `none` at a quarter of its default weight draws faults four times as often, so every
        // kind shows up within the minute even on a loaded machine (fewer ticks per second).
        let output = HarnessCLI.newOutputDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let outcome = try HarnessCLI.run([
            "run", "--target", "etcd", "--replica-count", "3", "--test-duration", "60s",
            "--faults", "proxy", "--seed", "335", "--fault-weight", "none=3000",
            "--output", output, "--keep-output",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let summary = try HarnessCLI.summary(output)
        #expect(summary["verdict"] as? String == "pass")
        let actions = summary["actions"] as? [String: Int] ?? [:]
        for kind in ["terminate", "restart", "pause", "resume", "isolate"] {
            #expect((actions[kind] ?? 0) > 0, "\(kind) in \(actions)")
        }
        let requests = summary["requests"] as? [String: Int] ?? [:]
        // The workload ran (a loaded machine finishes fewer requests: no rate is asserted).
        #expect((requests["create_transfers"] ?? 0) > 10, "\(requests)")
        #expect((requests["lookup_all_accounts"] ?? 0) > 0, "\(requests)")
        let events = try HarnessCLI.traceEvents(output)
        #expect(
            events.contains { $0["name"] as? String == "terminated" && $0["ph"] as? String == "B" }
        )
        #expect(
            events.contains { $0["name"] as? String == "stopped" && $0["ph"] as? String == "B" }
        )
        #expect(events.contains { $0["name"] as? String == "network_faults" })
        #expect(events.filter { $0["name"] as? String == "request" }.count > 10)
        let schedule = try String(contentsOfFile: output + "/faults.jsonl", encoding: .utf8)
        let decisions = schedule.split(separator: "\n")
        #expect(
            decisions.allSatisfy { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any]
            }
        )
        #expect(decisions.contains { $0.contains("\"terminate\"") })
        #expect(
            try FaultLogReader.read(path: output + "/faults.jsonl").count == decisions.count - 1
        )
        let checked = try OutputFormatChecks.checkSummary(output)
        #expect((checked.ledger?.transfersCreated ?? 0) > 0)
        try OutputFormatChecks.checkOneClock(output)
        // Isolation cut connections an isolated replica had opened to its peers' proxies.
        let log = try String(contentsOfFile: output + "/vortex.log", encoding: .utf8)
        let cutBySource = log.split(separator: "\n").filter { $0.contains("(network): proxy ") }
            .compactMap { line in
                line.split(separator: " ").first { $0.hasPrefix("isolated=") }
                    .flatMap { Int($0.dropFirst("isolated=".count)) }
            }
        #expect(cutBySource.count == 6, "one line per proxy (3 replicas × 2 ports)")
        #expect(cutBySource.reduce(0, +) > 0, "\(cutBySource)")
    }

    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: "/usr/bin/linux.uml"),
            "needs user-mode-linux (scripts/setup-netem): this kernel has no sch_netem"
        )
    )
    func threeReplicaEtcdUnderNetemFaultsPassesInUserModeLinux() throws {
        let scratch = HarnessCLI.newOutputDirectory()
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let output = scratch + "/out"
        let repository = URL(fileURLWithPath: HarnessCLI.fixtures)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: repository.path + "/scripts/in-uml")
        process.arguments = [
            "--mem", "2G", "--rw", scratch, "--", HarnessCLI.executable, "run", "--target", "etcd",
            "--faults", "netem", "--replica-count", "3", "--test-duration", "30s", "--seed", "35",
            "--output", output, "--keep-output",
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let summary = try HarnessCLI.summary(output)
        #expect(summary["verdict"] as? String == "pass")
        try OutputFormatChecks.checkSummary(output)
        let faults = summary["faultsInjected"] as? [String: Int] ?? [:]
        #expect(faults.keys.contains { ["delay", "loss", "isolate", "corrupt"].contains($0) })
        #expect((summary["requests"] as? [String: Int])?["create_transfers"] ?? 0 > 0)
    }

    @Test func sameSeedGivesTheSameFaultSchedule() throws {
        // Process faults only, drawn often, against stand-in replicas: every action succeeds,
        // so the decisions depend on the seed alone; runs differ only in how many ticks fit.
        func schedule(seed: Int) throws -> [String] {
            let output = HarnessCLI.newOutputDirectory()
            defer { try? FileManager.default.removeItem(atPath: output) }
            let outcome = try HarnessCLI.run([
                "run", "--target", HarnessCLI.fixtures + "/harness-sleeper.toml",
                "--replica-count", "3", "--faults", "none", "--test-duration", "3s",
                "--seed", "\(seed)", "--output", output, "--keep-output",
                "--driver-command", HarnessCLI.fixtures + "/harness-driver.py silent",
                "--fault-weight", "terminate=3000", "--fault-weight", "restart=3000",
                "--fault-weight", "pause=3000", "--fault-weight", "resume=3000",
            ])
            #expect(outcome.status == 0, "\(outcome.standardError)")
            let lines = try String(contentsOfFile: output + "/faults.jsonl", encoding: .utf8)
                .split(separator: "\n")
            // The header line, then one decision per line; compare decisions without their times.
            return try lines.dropFirst().map { line in
                var decision =
                    try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
                decision["timeUs"] = nil
                decision["decidedUs"] = nil
                let data = try JSONSerialization.data(
                    withJSONObject: decision,
                    options: .sortedKeys
                )
                return String(decoding: data, as: UTF8.self)
            }
        }
        let first = try schedule(seed: 77)
        let second = try schedule(seed: 77)
        let other = try schedule(seed: 78)
        let common = min(first.count, second.count)
        #expect(common > 10, "decisions: \(first.count), \(second.count)")
        #expect(first.prefix(common) == second.prefix(common))
        #expect(other.prefix(common) != first.prefix(common))
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func interruptedRunStopsInOrderWith143(signal: Int32) throws {
        let output = HarnessCLI.newOutputDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HarnessCLI.executable)
        process.arguments = [
            "run", "--target", HarnessCLI.fixtures + "/harness-sleeper.toml", "--replica-count",
            "3",
            "--faults", "proxy", "--test-duration", "5m", "--seed", "5", "--output", output,
            "--driver-command", HarnessCLI.fixtures + "/harness-driver.py silent",
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Bounded wait until the workload runs (at most 30 s).
        var started = false
        for _ in 0..<300 where !started {
            Thread.sleep(forTimeInterval: 0.1)
            let log = (try? String(contentsOfFile: output + "/vortex.log", encoding: .utf8)) ?? ""
            started = log.contains("vortex/faults ready")
        }
        #expect(started)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        let summary = try HarnessCLI.summary(output)
        #expect(summary["verdict"] as? String == "indeterminate")
        #expect(summary["reason"] as? String == "interrupted")
        _ = try HarnessCLI.traceEvents(output)
        // Nothing of the run is left: no process names its output directory.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "/proc")
            .filter { Int32($0) != nil }
            .filter { pid in
                let cmdline =
                    (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")))
                    .map { String(decoding: $0, as: UTF8.self) } ?? ""
                return cmdline.contains(output) || cmdline.contains("harness-driver.py")
            }
        #expect(leftovers.isEmpty, "left behind: \(leftovers)")
    }

    /// Runs a detection fixture and checks the exit code, the kept output and its trace.
    private func expectFailure(
        _ arguments: [String],
        code: Int32,
        reason: String
    ) throws {
        let output = HarnessCLI.newOutputDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let outcome = try HarnessCLI.run(
            ["run", "--faults", "none", "--seed", "11", "--output", output] + arguments
        )
        #expect(outcome.status == code, "\(outcome.standardError)")
        #expect(
            outcome.standardOutput.split(separator: "\n").last
                == "vortex: FAIL reason=\(reason) code=\(code) seed=11 output=\(output)"
        )
        let summary = try HarnessCLI.summary(output)
        #expect(summary["exitCode"] as? Int == Int(code))
        #expect(summary["verdict"] as? String == "fail")
        let events = try HarnessCLI.traceEvents(output)
        #expect(events.contains { $0["name"] as? String == "test_failure" })
        #expect(
            events.contains { ($0["args"] as? [String: Any])?["name"] as? String == "replica 0" }
        )
    }

    @Test func replicaExitingOnItsOwnIs14() throws {
        try expectFailure(
            [
                "--target", HarnessCLI.fixtures + "/harness-exiting-replica.yaml",
                "--replica-count", "3", "--test-duration", "30s",
                "--driver-command", HarnessCLI.fixtures + "/harness-driver.py silent",
            ],
            code: 14,
            reason: "replica-exited"
        )
    }

    @Test func wrongReplyIs13() throws {
        try expectFailure(
            [
                "--target", HarnessCLI.fixtures + "/harness-sleeper.toml", "--test-duration", "30s",
                "--driver-command", HarnessCLI.fixtures + "/harness-driver.py wrong-status",
            ],
            code: 13,
            reason: "reconciliation"
        )
    }

    @Test func silentDriverIs17() throws {
        try expectFailure(
            [
                "--target", HarnessCLI.fixtures + "/harness-sleeper.toml", "--test-duration", "60s",
                "--liveness-window", "2s",
                "--driver-command", HarnessCLI.fixtures + "/harness-driver.py silent",
            ],
            code: 17,
            reason: "liveness"
        )
    }

    @Test func garbageReplyIs16() throws {
        try expectFailure(
            [
                "--target", HarnessCLI.fixtures + "/harness-sleeper.toml", "--test-duration", "30s",
                "--driver-command", HarnessCLI.fixtures + "/harness-driver.py garbage",
            ],
            code: 16,
            reason: "driver-reply-unreadable"
        )
    }

    @Test func driverExitingIs10() throws {
        try expectFailure(
            [
                "--target", HarnessCLI.fixtures + "/harness-sleeper.toml", "--test-duration", "30s",
                "--driver-command", "/bin/true",
            ],
            code: 10,
            reason: "driver-exited-early"
        )
    }
}
