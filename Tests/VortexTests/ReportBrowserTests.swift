// report.html of real runs, opened in headless Chromium (Debian's `chromium`, installed by
// scripts/setup): a 3-replica etcd run under proxy faults, and a run that fails liveness. The
// page is loaded from disk with the network off, screenshotted, and its DOM after the scripts ran
// (`--dump-dom`) must hold one latency point per request of summary.json, a lane per replica,
// one band per network-fault decision of faults.jsonl and one terminated or paused segment per
// such decision; the failing run's page must mark the failure and the unfinished request.

import Foundation
import Testing
import VortexHarness

/// Headless Chromium on a local file.
enum HeadlessChromium {
    static let executable = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs chromium with `arguments` after the common headless flags; returns standard output.
    static func run(_ arguments: [String], profile: String) throws -> String {
        let path = try #require(executable, "chromium is missing: run scripts/setup")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=\(profile)",
                // Nothing may load from the network: every host resolves to nowhere.
                "--host-resolver-rules=MAP * ~NOTFOUND",
            ] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "chromium \(arguments)")
        return String(decoding: data, as: UTF8.self)
    }

    /// The DOM of `page` after its scripts ran, and a screenshot of it at `screenshot`.
    static func open(_ page: String, screenshot: String, profile: String) throws -> String {
        _ = try run(
            ["--window-size=1200,1500", "--screenshot=\(screenshot)", "file://\(page)"],
            profile: profile
        )
        return try run(
            ["--virtual-time-budget=2000", "--dump-dom", "file://\(page)"],
            profile: profile
        )
    }
}

@Suite(.ownThread, .serialized, .timeLimit(.minutes(5)))
struct ReportBrowserTests {
    @Test func reportOfAFaultyRunDrawsEveryRequestLaneAndBand() throws {
        let output = HarnessCLI.newOutputDirectory()
        let profile = HarnessCLI.newOutputDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: output)
            try? FileManager.default.removeItem(atPath: profile)
        }
        let outcome = try HarnessCLI.run([
            "run", "--target", "etcd", "--replica-count", "3", "--faults", "proxy",
            "--test-duration", "10s", "--seed", "335", "--fault-weight", "none=1000",
            "--output", output, "--keep-output",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let screenshot = output + "/report.png"
        let dom = try HeadlessChromium.open(
            output + "/report.html",
            screenshot: screenshot,
            profile: profile
        )
        let size =
            (try FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
        #expect(size > 20_000, "a screenshot with something on it: \(size) bytes")
        if let keep = ProcessInfo.processInfo.environment["VORTEX_REPORT_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: screenshot, toPath: keep)
        }

        let summary = try HarnessCLI.summary(output)
        let requests = (summary["requests"] as? [String: Int] ?? [:]).values.reduce(0, +)
        #expect(requests > 10, "enough requests to draw (\(requests))")
        #expect(occurrences(of: "<circle class=\"pt ", in: dom) == requests)
        #expect(dom.contains("data-requests=\"\(requests)\" data-points=\"\(requests)\""))
        for replica in 0..<3 {
            #expect(
                dom.contains("<g class=\"lane\" data-replica=\"\(replica)\">"),
                "lane \(replica)"
            )
        }
        // One band per network-fault decision, one segment per process-fault decision.
        let decisions = try FaultLogReader.read(path: output + "/faults.jsonl").map(\.decision)
        let networkFaults = decisions.filter {
            [.delay, .corrupt, .loss, .isolate].contains($0.kind)
        }
        #expect(!networkFaults.isEmpty, "the seed injects network faults")
        #expect(occurrences(of: "<rect class=\"band ", in: dom) == networkFaults.count)
        for row in ["delay", "corrupt", "loss", "partition"] {
            #expect(dom.contains("<g class=\"fault-row\" data-row=\"\(row)\">"), "row \(row)")
        }
        for replica in 0..<3 {
            for (kind, state) in [
                (FaultKind.terminate, "terminated"), (.pause, "paused"), (.isolate, "isolated"),
            ] {
                let count = decisions.filter { $0.kind == kind && $0.replica == replica }.count
                let drawn = occurrences(
                    of: "data-replica=\"\(replica)\" data-state=\"\(state)\"",
                    in: dom
                )
                #expect(
                    drawn == count,
                    "replica \(replica) \(state): \(drawn) drawn, \(count) decided"
                )
            }
        }
        #expect(dom.contains("<body data-verdict=\"pass\" data-seed=\"335\">"))
        #expect(!dom.contains("<g class=\"failure-marker\""))
    }

    @Test func reportOfAFailedRunMarksTheFailure() throws {
        let output = HarnessCLI.newOutputDirectory()
        let profile = HarnessCLI.newOutputDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: output)
            try? FileManager.default.removeItem(atPath: profile)
        }
        let outcome = try HarnessCLI.run([
            "run", "--target", HarnessCLI.fixtures + "/harness-sleeper.toml", "--faults", "none",
            "--test-duration", "60s", "--liveness-window", "2s", "--seed", "11", "--output", output,
            "--driver-command", HarnessCLI.fixtures + "/sweep-driver.py silent",
        ])
        #expect(outcome.status == 17, "\(outcome.standardError)")
        let dom = try HeadlessChromium.open(
            output + "/report.html",
            screenshot: output + "/report.png",
            profile: profile
        )
        #expect(dom.contains("<body data-verdict=\"fail\" data-seed=\"11\">"))
        #expect(occurrences(of: "<g class=\"failure-marker\"", in: dom) == 3)
        #expect(dom.contains("<g class=\"unfinished-request\""))
        #expect(dom.contains("✕ liveness"))
        #expect(dom.contains("Reproduce: <code id=\"reproduce\">vortex run --seed 11 "))
        #expect(occurrences(of: "<circle class=\"pt ", in: dom) == 0)
    }
}
