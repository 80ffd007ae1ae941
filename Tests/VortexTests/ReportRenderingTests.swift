// report.html as a pure function: the request log keeps every request of a short run and stays
// bounded for a long one; the timeline turns fault decisions into replica periods and network
// bands; the page draws one point per request (or says how many it drew after merging), one lane
// per replica, one band per network fault, the failure and the request it left unfinished, and
// escapes what it prints. No run, no browser: ReportBrowserTests does those.

import Foundation
import Testing

@testable import VortexHarness

/// A summary.json of a finished run, built as a run writes it (decoded from JSON).
func reportTestSummary(
    verdict: String = "pass",
    reason: String = "pass",
    message: String = "test duration elapsed",
    replicaCount: Int = 3,
    requests: [String: Int]
) throws -> RunSummary {
    let latency: [String: Any] = ["count": 1, "p50Ms": 1, "p90Ms": 2, "p99Ms": 3, "maxMs": 4]
    let object: [String: Any] = [
        "schemaVersion": 1, "verdict": verdict, "reason": reason, "exitCode": 0,
        "message": message, "seed": 42,
        "configuration": [
            "target": "etcd", "targetName": "etcd", "backend": "proxy",
            "replicaCount": replicaCount, "testDurationSeconds": 10, "livenessWindowSeconds": 180,
            "faultWeights": ["none": 1], "driverCommand": "d", "workload": "ledger",
            "vortexVersion": "test",
            "commandLine": [
                "/x/vortex", "run", "--output", "/tmp/o", "--seed", "42", "--faults", "proxy",
            ],
        ],
        "elapsedSeconds": 10, "faultsInjected": [:], "actions": ["terminate": 1],
        "requests": requests, "requestsPerSecond": 1, "latency": latency,
        "latencyByCommand": [:], "longestRecoverySeconds": 0, "output": "/tmp/o",
    ]
    return try JSONDecoder().decode(
        RunSummary.self,
        from: JSONSerialization.data(withJSONObject: object)
    )
}

/// Occurrences of `needle` in `text`.
func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}

@Suite struct ReportRenderingTests {
    @Test func requestLogKeepsEveryRequestOfAShortRun() {
        var log = RequestLog()
        let origin = ContinuousClock.now
        for index in 0..<2_500 {
            let start = origin + .milliseconds(index)
            let command = index % 3 == 0 ? "create_accounts" : "create_transfers"
            log.record(command: command, start: start, end: start + .microseconds(200 + index))
        }
        #expect(log.isExact)
        #expect(log.count == 2_500)
        #expect(log.samples.count == 2_500)
        #expect(log.samples.allSatisfy { $0.count == 1 })
        #expect(log.commands == ["create_accounts", "create_transfers"])
        #expect(log.samples[10].latencyUs == 210)
        #expect(log.samples[10].startUs == 10_000)
        // Ends at 0.2 ms … 2.7 s: seconds 0, 1 and 2.
        #expect(log.throughput.bucketSeconds == 1)
        #expect(log.throughput.counts.reduce(0, +) == 2_500)
        #expect(log.throughput.counts.count == 3)
    }

    @Test func requestLogStaysBoundedAndKeepsOutliers() {
        var log = RequestLog()
        let origin = ContinuousClock.now
        let total = RequestLog.exactCapacity + 50_000
        for index in 0..<total {
            let start = origin + .microseconds(index * 100)
            let latency: Duration =
                index == total - 7 ? .seconds(9) : .microseconds(800 + index % 50)
            log.record(command: "create_transfers", start: start, end: start + latency)
        }
        let samples = log.samples
        #expect(!log.isExact)
        #expect(samples.count <= RequestLog.cellCapacity)
        #expect(samples.reduce(0) { $0 + $1.count } == total)
        // The one 9-second request keeps a cell of its own.
        let slow = samples.filter { $0.latencyUs > 5_000_000 }
        #expect(slow.count == 1 && slow.first?.count == 1)
        #expect(log.throughput.counts.reduce(0, +) == total)
    }

    @Test func timelineTurnsDecisionsIntoPeriods() {
        let entries = [
            FaultLogEntry(tick: 1, timeUs: 1_000_000, decision: .terminate(replica: 1)),
            FaultLogEntry(
                tick: 2,
                timeUs: 2_000_000,
                decision: .delay(DelayFault(delayMs: 80, jitterMs: 20))
            ),
            FaultLogEntry(tick: 3, timeUs: 3_000_000, decision: .isolate(replica: 2)),
            FaultLogEntry(tick: 4, timeUs: 4_000_000, decision: .restart(replica: 1)),
            FaultLogEntry(tick: 5, timeUs: 5_000_000, decision: .pause(replica: 0)),
            // Not possible in the state reached: skipped, not trusted.
            FaultLogEntry(tick: 6, timeUs: 5_500_000, decision: .restart(replica: 2)),
            FaultLogEntry(tick: 7, timeUs: 6_000_000, decision: .networkHeal),
        ]
        let periods = ReportTimeline.periods(of: entries, replicaCount: 3, endUs: 10_000_000)
        #expect(
            periods.replicas == [
                ReplicaSegment(
                    replica: 1,
                    state: .terminated,
                    startUs: 1_000_000,
                    endUs: 4_000_000
                ),
                ReplicaSegment(replica: 2, state: .isolated, startUs: 3_000_000, endUs: 6_000_000),
                ReplicaSegment(replica: 0, state: .paused, startUs: 5_000_000, endUs: 10_000_000),
            ]
        )
        #expect(
            periods.network == [
                NetworkBand(
                    row: "delay",
                    label: "delay 80±20 ms",
                    startUs: 2_000_000,
                    endUs: 6_000_000
                ),
                NetworkBand(
                    row: "partition",
                    label: "r2 isolated",
                    startUs: 3_000_000,
                    endUs: 6_000_000
                ),
            ]
        )
    }

    private func report(
        sampleCount: Int,
        failure: ReportFailure? = nil,
        message: String = "test duration elapsed"
    ) throws -> RunReport {
        let samples = (0..<sampleCount).map { index in
            LatencySample(
                startUs: Int64(index) * 300,
                latencyUs: Int64(500 + (index * 7919) % 20_000),
                command: index % 2,
                count: 1
            )
        }
        let endUs = max(Int64(sampleCount) * 300, 10_000_000)
        let entries = [
            FaultLogEntry(tick: 1, timeUs: 1_000_000, decision: .terminate(replica: 1)),
            FaultLogEntry(tick: 2, timeUs: 2_000_000, decision: .loss(percent: 3)),
            FaultLogEntry(tick: 3, timeUs: 2_500_000, decision: .corrupt(percent: 2)),
            FaultLogEntry(tick: 4, timeUs: 3_000_000, decision: .heal),
        ]
        let periods = ReportTimeline.periods(of: entries, replicaCount: 3, endUs: endUs)
        return RunReport(
            summary: try reportTestSummary(
                verdict: failure == nil ? "pass" : "fail",
                reason: failure?.reason ?? "pass",
                message: message,
                requests: [
                    "create_accounts": (sampleCount + 1) / 2, "create_transfers": sampleCount / 2,
                ]
            ),
            endUs: endUs,
            replicaSegments: periods.replicas,
            networkBands: periods.network,
            commands: ["create_accounts", "create_transfers"],
            samples: samples,
            throughput: ThroughputSeries(bucketSeconds: 1, counts: [sampleCount]),
            throughputStartUs: 0,
            unfinishedRequest: failure.map {
                UnfinishedRequest(startUs: $0.timeUs - 2_000_000, endUs: $0.timeUs)
            },
            failure: failure
        )
    }

    @Test func everyRequestOfAShortRunIsAPoint() throws {
        let html = RunReportPage.html(try report(sampleCount: 3_000))
        #expect(occurrences(of: "<circle class=\"pt ", in: html) == 3_000)
        #expect(html.contains("data-requests=\"3000\" data-points=\"3000\""))
        for replica in 0..<3 {
            #expect(html.contains("<g class=\"lane\" data-replica=\"\(replica)\">"))
        }
        #expect(occurrences(of: "<rect class=\"band ", in: html) == 2)
        #expect(occurrences(of: "data-state=\"terminated\"", in: html) == 1)
        #expect(!html.contains("<g class=\"failure-marker\""))
        #expect(
            html.contains(
                "Reproduce: <code id=\"reproduce\">vortex run --seed 42 --faults proxy</code>"
            )
        )
        // Self-contained: nothing loaded from elsewhere.
        #expect(!html.contains("src=") && !html.contains("http://") && !html.contains("https://"))
    }

    @Test func aLongRunMergesPointsAndSaysHowMany() throws {
        let html = RunReportPage.html(try report(sampleCount: 60_000))
        let drawn = occurrences(of: "<circle class=\"pt ", in: html)
        #expect(drawn < 60_000 && drawn > 1_000)
        #expect(drawn <= ReportLatencyChart.drawnPointLimit)
        #expect(html.contains("data-requests=\"60000\" data-points=\"\(drawn)\""))
        #expect(html.contains("60000 requests drawn as \(drawn) points"))
        #expect(html.utf8.count < 5_000_000)
    }

    @Test func aFailureIsMarkedWithItsMessageEscaped() throws {
        let failure = ReportFailure(
            timeUs: 7_000_000,
            reason: "liveness",
            message: "no request finished <script>alert(1)</script> & more"
        )
        let html = RunReportPage.html(
            try report(sampleCount: 100, failure: failure, message: failure.message)
        )
        #expect(
            occurrences(of: "<g class=\"failure-marker\" data-time-us=\"7000000\">", in: html) == 3
        )
        #expect(html.contains("<g class=\"unfinished-request\" data-start-us=\"5000000\">"))
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"))
        #expect(html.contains("<body data-verdict=\"fail\""))
    }

    @Test func reproduceCommandPinsTheSeedAndDropsPlaces() {
        let line = ReproduceCommand.line(
            commandLine: [
                "/opt/vortex", "run", "--output=/tmp/a", "--log", "/tmp/l", "--seed", "9",
                "--target", "my target.toml", "--check-only", "--keep-output",
            ],
            seed: 9
        )
        #expect(line == "vortex run --seed 9 --target 'my target.toml' --keep-output")
        let absolute = ReproduceCommand.line(
            commandLine: ["vortex", "run", "--target=t.toml", "--seed=3"],
            seed: 3,
            target: "/home/me/t.toml"
        )
        #expect(absolute == "vortex run --seed 3 --target=/home/me/t.toml")
        let replay = ReproduceCommand.line(
            commandLine: [
                "/x/vortex", "replay", "/tmp/run 7", "--output", "/tmp/r", "--keep-output",
            ],
            seed: 3
        )
        #expect(replay == "vortex replay '/tmp/run 7' --keep-output")
    }
}
