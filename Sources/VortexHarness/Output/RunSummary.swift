// summary.json: the machine-readable result of a run (ARCHITECTURE.md §9): verdict, reason and
// exit code, seed, configuration, duration, faults injected by kind, requests and latency
// percentiles per command. Also the one-line verdict printed last, in a fixed key=value form.

public import Foundation

/// Latency percentiles in milliseconds.
public struct LatencySummary: Sendable, Hashable, Codable {
    /// Requests counted.
    public var count: UInt64
    /// Median.
    public var p50Ms: Double
    /// 90th percentile.
    public var p90Ms: Double
    /// 99th percentile.
    public var p99Ms: Double
    /// Largest.
    public var maxMs: Double

    /// Summarizes a histogram.
    public init(_ histogram: LatencyHistogram) {
        func milliseconds(_ duration: Duration) -> Double {
            let (seconds, attoseconds) = duration.components
            return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
        }
        count = histogram.count
        p50Ms = milliseconds(histogram.percentile(0.5))
        p90Ms = milliseconds(histogram.percentile(0.9))
        p99Ms = milliseconds(histogram.percentile(0.99))
        maxMs = milliseconds(histogram.maximum)
    }
}

/// The result of a run, written to `<output>/summary.json`.
public struct RunSummary: Sendable, Hashable, Codable {
    /// `pass`, `fail` or `indeterminate` (a replica died of a foreign SIGKILL, or vortex was
    /// interrupted).
    public var verdict: String
    /// The exit reason's name (`pass`, `liveness`, …).
    public var reason: String
    /// The process exit code.
    public var exitCode: Int32
    /// One line saying what happened.
    public var message: String
    /// The run's seed.
    public var seed: UInt64
    /// The target's name.
    public var target: String
    /// The fault backend.
    public var faults: String
    /// Number of replicas.
    public var replicaCount: Int
    /// The requested test duration in seconds.
    public var testDurationSeconds: Double
    /// How long the run took, start of the cluster to verdict, in seconds.
    public var elapsedSeconds: Double
    /// Fault actions carried out, by kind (`terminate`: 3, …).
    public var faultsInjected: [String: Int]
    /// Finished requests by command.
    public var requests: [String: Int]
    /// Latency of every finished request.
    public var latency: LatencySummary
    /// Latency per command.
    public var latencyByCommand: [String: LatencySummary]
    /// The longest an acceptable period waited for its first finished request, in seconds.
    public var longestRecoverySeconds: Double
    /// The output directory.
    public var output: String

    /// Creates a summary.
    public init(
        reason: ExitReason,
        message: String,
        seed: UInt64,
        target: String,
        faults: String,
        replicaCount: Int,
        testDuration: Duration,
        elapsed: Duration,
        faultsInjected: [FaultKind: Int],
        latencyByCommand: [String: LatencyHistogram],
        longestRecovery: Duration = .zero,
        output: String
    ) {
        func seconds(_ duration: Duration) -> Double {
            let (whole, attoseconds) = duration.components
            return Double(whole) + Double(attoseconds) / 1e18
        }
        verdict = Self.verdict(of: reason)
        self.reason = reason.description
        exitCode = reason.code
        self.message = message
        self.seed = seed
        self.target = target
        self.faults = faults
        self.replicaCount = replicaCount
        testDurationSeconds = seconds(testDuration)
        elapsedSeconds = seconds(elapsed)
        self.faultsInjected = Dictionary(
            uniqueKeysWithValues: faultsInjected.map { ($0.key.rawValue, $0.value) }
        )
        requests = latencyByCommand.mapValues { Int($0.count) }
        var all = LatencyHistogram()
        for histogram in latencyByCommand.values {
            all.merge(histogram)
        }
        latency = LatencySummary(all)
        self.latencyByCommand = latencyByCommand.mapValues(LatencySummary.init)
        longestRecoverySeconds = seconds(longestRecovery)
        self.output = output
    }

    /// `pass`, `fail`, or `indeterminate` for 137 and 143.
    public static func verdict(of reason: ExitReason) -> String {
        switch reason {
        case .pass: "pass"
        case .replicaKilled, .interrupted: "indeterminate"
        default: "fail"
        }
    }

    /// The JSON text (sorted keys, pretty-printed).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// The last line a run prints:
    /// `vortex: PASS|FAIL reason=<name> code=<n> seed=<s> output=<dir>`.
    public static func verdictLine(
        reason: ExitReason,
        seed: UInt64,
        output: String
    ) -> String {
        let word = reason == .pass ? "PASS" : "FAIL"
        return "vortex: \(word) reason=\(reason) code=\(reason.code) seed=\(seed) output=\(output)"
    }
}
