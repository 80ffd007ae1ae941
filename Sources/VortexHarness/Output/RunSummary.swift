// summary.json: the machine-readable result of a run, in a documented, versioned schema
// (docs/user-guide.md, "summary.json"): the verdict, reason and exit code; the effective
// configuration, enough to run it again (`configuration`); what happened (faults injected and
// every action, requests, latency percentiles, the ledger totals); and the output directory.
// Also the one-line verdict printed last, in a fixed key=value form. This file is the one home of
// both formats.

public import Foundation

/// The result of a run, written to `<output>/summary.json`.
public struct RunSummary: Sendable, Hashable, Codable {
    /// The schema version this vortex writes (bumped when a field changes meaning or goes away).
    public static let currentSchemaVersion = 1

    /// The schema version of this summary.
    public var schemaVersion: Int
    /// `pass`, `fail` or `indeterminate` (a replica died of a foreign SIGKILL, or vortex was
    /// interrupted).
    public var verdict: String
    /// The outcome's name (`pass`, `liveness`, …).
    public var reason: String
    /// The process exit code.
    public var exitCode: Int32
    /// One line saying what happened.
    public var message: String
    /// The run's seed.
    public var seed: UInt64
    /// The effective configuration.
    public var configuration: RunSummaryConfiguration
    /// How long the run took, start of the cluster to verdict, in seconds.
    public var elapsedSeconds: Double
    /// Decisions that created a fault (every kind but restart, resume and the heals), by kind.
    public var faultsInjected: [String: Int]
    /// Partitions carried out, by shape (`isolate`, `halves`, …), every shape present; absent in
    /// summaries of versions before partitions.
    public var partitions: [String: Int]?
    /// Every decision carried out, by kind (faults, restarts, resumes and heals).
    public var actions: [String: Int]
    /// Finished requests by command.
    public var requests: [String: Int]
    /// Finished requests per second of elapsed time.
    public var requestsPerSecond: Double
    /// What the workload created, or nil when the workload did not stop cleanly (or is not the
    /// ledger).
    public var ledger: LedgerSummary?
    /// What the register workload did and its check found; nil for the ledger, or when the
    /// workload did not stop cleanly.
    public var register: RegisterSummary?
    /// Latency of every finished request.
    public var latency: LatencySummary
    /// Latency per command.
    public var latencyByCommand: [String: LatencySummary]
    /// The longest an acceptable period waited for its first finished request, in seconds.
    public var longestRecoverySeconds: Double
    /// The output directory.
    public var output: String
    /// When the tick loop started, in microseconds on the run's clock (the origin `vortex
    /// replay` counts recorded fault times from); nil when the run ended before it started.
    public var tickLoopStartUs: Int64?
    /// When the verdict was decided (the first failure, or the end of the duration), in
    /// microseconds on the run's clock.
    public var verdictTimeUs: Int64?
    /// For a reconciliation failure, the kind of mismatch (`wrong status`, `wrong balance`, …).
    public var mismatch: String?
    /// For a run of `vortex replay`: what was replayed and whether it failed as the original.
    public var replay: ReplaySummary?
}

/// What a replay carried out and how it compares with the original run.
public struct ReplaySummary: Sendable, Hashable, Codable {
    /// The original run's output directory.
    public var original: String
    /// The faults.jsonl that was replayed.
    public var schedule: String
    /// Decisions in the schedule.
    public var scheduled: Int
    /// Decisions skipped because they were impossible at their time.
    public var skipped: Int
    /// The original's `reason`.
    public var originalReason: String
    /// The original's `mismatch`, if any.
    public var originalMismatch: String?
    /// Whether this run ended with the original's reason (and mismatch).
    public var matchesOriginal: Bool
}

/// What a run was configured with: enough to run it again.
public struct RunSummaryConfiguration: Sendable, Hashable, Codable {
    /// `--target` as given: a built-in name or the target file's absolute path.
    public var target: String
    /// The target's name.
    public var targetName: String
    /// The network fault backend (`--faults`).
    public var backend: String
    /// Number of replicas.
    public var replicaCount: Int
    /// The test duration in seconds.
    public var testDurationSeconds: Double
    /// The liveness window in seconds.
    public var livenessWindowSeconds: Double
    /// The effective weight of every fault action, by name.
    public var faultWeights: [String: Int]
    /// `--faulty-max` as given (`minority`, `majority` or a number); absent in summaries of
    /// versions before it existed (they bounded nothing).
    public var faultyMax: String?
    /// The most replicas the scheduler let be faulty at once (absent as `faultyMax`).
    public var faultyReplicasMax: Int?
    /// The driver command as configured (placeholders unexpanded).
    public var driverCommand: String
    /// The workload (`ledger` or `register`).
    public var workload: String
    /// The register workload's concurrent clients (absent for the ledger).
    public var clients: Int?
    /// The register workload's request timeout in seconds (absent for the ledger).
    public var requestTimeoutSeconds: Double?
    /// The vortex version that ran.
    public var vortexVersion: String
    /// The full command line of the run.
    public var commandLine: [String]
    /// `--tigerbeetle-executable`, when the target uses one.
    public var tigerbeetleExecutable: String?
}

/// The ledger totals of a run.
public struct LedgerSummary: Sendable, Hashable, Codable {
    /// Accounts created.
    public var accountsCreated: Int
    /// Transfers created.
    public var transfersCreated: UInt64
    /// Transfers created per second of elapsed time.
    public var transfersPerSecond: Double
}

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

extension RunSummary {
    /// The summary of a run of `configuration` that ended with `result` after `elapsed`.
    init(
        _ configuration: RunConfiguration,
        result: RunResult,
        elapsed: Duration,
        commandLine: [String],
        replay: ReplaySummary? = nil
    ) {
        let elapsedSeconds = Self.seconds(elapsed)
        func perSecond(_ count: Double) -> Double {
            elapsedSeconds > 0 ? (count / elapsedSeconds * 100).rounded() / 100 : 0
        }
        schemaVersion = Self.currentSchemaVersion
        verdict = result.outcome.verdict.rawValue
        reason = result.outcome.description
        exitCode = result.outcome.code
        message = result.message
        seed = configuration.seed
        self.configuration = RunSummaryConfiguration(
            target: configuration.targetSpecifier,
            targetName: configuration.target.name,
            backend: configuration.faults.rawValue,
            replicaCount: configuration.replicaCount,
            testDurationSeconds: Self.seconds(configuration.testDuration),
            livenessWindowSeconds: Self.seconds(configuration.livenessWindow),
            faultWeights: Dictionary(
                uniqueKeysWithValues: FaultKind.allCases.map {
                    ($0.rawValue, configuration.faultWeights[$0])
                }
            ),
            faultyMax: configuration.faultyReplicasBound.description,
            faultyReplicasMax: configuration.faultyReplicasMax,
            driverCommand: configuration.driverCommand.description,
            workload: configuration.workload.rawValue,
            clients: configuration.register?.clients,
            requestTimeoutSeconds: configuration.register.map { Self.seconds($0.requestTimeout) },
            vortexVersion: VortexVersion.current,
            commandLine: commandLine,
            tigerbeetleExecutable: configuration.tigerbeetleExecutable
        )
        self.elapsedSeconds = elapsedSeconds
        faultsInjected = Self.byName(result.statistics.faultsInjected)
        partitions = Dictionary(
            uniqueKeysWithValues: PartitionShape.allCases.map { shape in
                (shape.rawValue, result.statistics.actions[shape.faultKind] ?? 0)
            }
        )
        actions = Self.byName(result.statistics.actions)
        requests = result.latencyByCommand.mapValues { Int($0.count) }
        requestsPerSecond = perSecond(Double(result.requestsFinished))
        ledger = result.ledger.map { totals in
            LedgerSummary(
                accountsCreated: totals.accountsCreated,
                transfersCreated: totals.transfersCreated,
                transfersPerSecond: perSecond(Double(totals.transfersCreated))
            )
        }
        register = result.register
        var all = LatencyHistogram()
        for histogram in result.latencyByCommand.values {
            all.merge(histogram)
        }
        latency = LatencySummary(all)
        latencyByCommand = result.latencyByCommand.mapValues(LatencySummary.init)
        longestRecoverySeconds = Self.seconds(result.statistics.longestRecovery)
        output = configuration.outputDirectory
        tickLoopStartUs = result.statistics.loopStart.map(RunClock.microseconds)
        verdictTimeUs = result.verdictTime.map(RunClock.microseconds)
        mismatch = result.mismatch
        self.replay = replay
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    private static func byName(_ counts: [FaultKind: Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
    }

    /// The JSON text (sorted keys, pretty-printed, slashes as they are).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The last line a run prints:
    /// `vortex: PASS|FAIL|INDETERMINATE reason=<name> code=<n> seed=<s> output=<dir>`, where
    /// `output=removed` says the directory of a pass was removed (no `--keep-output`).
    public static func verdictLine(outcome: RunOutcome, seed: UInt64, output: String?) -> String {
        let word = outcome.verdict.rawValue.uppercased()
        return "vortex: \(word) reason=\(outcome) code=\(outcome.code) seed=\(seed) "
            + "output=\(output ?? "removed")"
    }
}
