// sweep.json: the machine-readable state of a sweep, in a documented, versioned schema
// (docs/scale-out.md, "sweep.json"). It is rewritten (atomically: a temporary file renamed over
// it) whenever a seed starts or ends, so a sweep stopped at any moment, even by SIGKILL, leaves a
// sweep.json that says which seeds ran, which were running and which never started. This file is
// the one home of the schema.

public import Foundation

/// Where one seed of a sweep stands.
public enum SweepRunStatus: String, Sendable, Hashable, Codable {
    /// Not started (yet, or ever: the sweep was interrupted first).
    case notStarted = "not-started"
    /// Running.
    case running
    /// Ended with a verdict (pass, fail or indeterminate).
    case finished
}

/// One seed of a sweep.
public struct SweepRunRecord: Sendable, Hashable, Codable {
    /// The seed.
    public var seed: UInt64
    /// Where it stands.
    public var status: SweepRunStatus
    /// `pass`, `fail` or `indeterminate` once finished.
    public var verdict: String?
    /// The outcome's name (`pass`, `liveness`, …) once finished.
    public var reason: String?
    /// The run's exit code once finished.
    public var exitCode: Int32?
    /// The run's one-line message once finished.
    public var message: String?
    /// Requests finished, from the run's summary.json.
    public var requests: Int?
    /// How long the run took, seconds.
    public var elapsedSeconds: Double?
    /// The run's directory relative to the sweep's (`seed-7`), nil when nothing is kept.
    public var output: String?
    /// The run's report relative to the sweep's directory (`seed-7/report.html`), or nil.
    public var report: String?
    /// `all` (the whole directory), `report` (report.html and summary.json, after a pass) or
    /// `none`.
    public var kept: String
    /// The command that runs it again.
    public var reproduce: String

    /// A seed that has not started.
    public init(seed: UInt64, reproduce: String) {
        self.seed = seed
        self.status = .notStarted
        self.kept = "none"
        self.reproduce = reproduce
    }
}

/// The whole of sweep.json.
public struct SweepDocument: Sendable, Hashable, Codable {
    /// The `format` of every sweep.json.
    public static let formatName = "vortex-sweep"
    /// The schema version this vortex writes.
    public static let currentSchemaVersion = 1

    /// Where the sweep stands.
    public enum State: String, Sendable, Hashable, Codable {
        /// Seeds are still running or waiting.
        case running
        /// Every seed finished.
        case complete
        /// Stopped by SIGINT or SIGTERM before every seed finished.
        case interrupted
    }

    /// Verdict counts.
    public struct Counts: Sendable, Hashable, Codable {
        /// Seeds that passed.
        public var pass = 0
        /// Seeds that failed.
        public var fail = 0
        /// Seeds whose run was interrupted or killed by the machine.
        public var indeterminate = 0
        /// Seeds without a verdict (not started, or still running).
        public var unfinished = 0
    }

    /// Always `vortex-sweep`.
    public var format = formatName
    /// The schema version.
    public var schemaVersion = currentSchemaVersion
    /// `local` or `slurm`.
    public var engine: String
    /// The Slurm job id (with `--slurm`, once submitted).
    public var slurmJobId: String?
    /// Where the sweep stands.
    public var state: State
    /// The seeds, as given (`1-100`).
    public var seeds: String
    /// Most runs at once.
    public var jobs: Int
    /// The `vortex run` flags of every run.
    public var runArguments: [String]
    /// The vortex version.
    public var vortexVersion: String
    /// When the sweep started (ISO 8601, UTC).
    public var startedAt: String
    /// Seconds since the start, at the last write.
    public var elapsedSeconds: Double
    /// Verdict counts.
    public var counts: Counts
    /// One record per seed, in seed order.
    public var runs: [SweepRunRecord]

    /// A sweep of `configuration` with every seed not started.
    public init(_ configuration: SweepConfiguration, startedAt: Date) {
        engine = configuration.engine.name
        state = .running
        seeds = configuration.seeds.description
        jobs = configuration.jobs
        runArguments = configuration.runArguments
        vortexVersion = VortexVersion.current
        let formatter = ISO8601DateFormatter()
        self.startedAt = formatter.string(from: startedAt)
        elapsedSeconds = 0
        runs = configuration.seeds.seeds.map { seed in
            SweepRunRecord(
                seed: seed,
                reproduce: ReproduceCommand.line(
                    commandLine: configuration.runCommandLine(seed: seed),
                    seed: seed
                )
            )
        }
        counts = Counts()
        recount()
    }

    /// Updates `counts` from `runs`.
    public mutating func recount() {
        var counts = Counts()
        for run in runs {
            switch (run.status, run.verdict) {
            case (.finished, "pass"): counts.pass += 1
            case (.finished, "fail"): counts.fail += 1
            case (.finished, _): counts.indeterminate += 1
            default: counts.unfinished += 1
            }
        }
        self.counts = counts
    }

    /// The record of `seed`.
    public subscript(seed seed: UInt64) -> SweepRunRecord? {
        get { index(of: seed).map { runs[$0] } }
        set {
            guard let newValue, let index = index(of: seed) else { return }
            runs[index] = newValue
            recount()
        }
    }

    /// Where `seed` is in `runs` (one record per seed of a contiguous range, in order).
    private func index(of seed: UInt64) -> Int? {
        guard let first = runs.first?.seed, seed >= first, seed - first < UInt64(runs.count) else {
            return nil
        }
        let index = Int(seed - first)
        return runs[index].seed == seed ? index : nil
    }

    /// The JSON text (sorted keys, pretty-printed).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes `<directory>/sweep.json` atomically.
    public func write(to directory: String) throws {
        try json().write(to: URL(fileURLWithPath: "\(directory)/sweep.json"), options: .atomic)
    }

    /// Reads a sweep.json.
    public static func read(path: String) throws -> SweepDocument {
        try JSONDecoder().decode(
            SweepDocument.self,
            from: Data(contentsOf: URL(fileURLWithPath: path))
        )
    }
}
