// A validated `vortex sweep` (docs/scale-out.md): which seeds, how many runs at once, where the
// sweep's directory is, which engine runs the seeds (this machine, or a Slurm job array), and the
// `vortex run` flags every run gets. Wrong input is a ConfigurationError, one line, exit 2, before
// anything starts; the run flags themselves are checked by `vortex run --check-only`
// (SweepPreflight), so a sweep accepts exactly what `vortex run` accepts.

import Foundation

/// The seeds of a sweep: one contiguous range.
public struct SeedRange: Sendable, Hashable, CustomStringConvertible {
    /// Most seeds one sweep runs.
    public static let countMax: UInt64 = 100_000

    /// The first seed.
    public let first: UInt64
    /// The last seed (at least `first`).
    public let last: UInt64

    /// A range of seeds.
    public init(first: UInt64, last: UInt64) {
        precondition(first <= last, "a seed range ends at or after its start")
        precondition(last - first < Self.countMax, "a sweep runs at most countMax seeds")
        self.first = first
        self.last = last
    }

    /// How many seeds.
    public var count: Int { Int(last - first) + 1 }

    /// The seeds in order.
    public var seeds: [UInt64] { Array(first...last) }

    /// `1-100`, or `7` for one seed.
    public var description: String { first == last ? "\(first)" : "\(first)-\(last)" }

    /// Reads `N` or `LOW-HIGH`.
    ///
    /// - Throws: ``ConfigurationError`` naming `--seeds` and how to write it.
    public static func parse(_ text: String) throws(ConfigurationError) -> SeedRange {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let first = UInt64(parts[0]),
            let last = parts.count == 2 ? UInt64(parts[1]) : first
        else {
            throw ConfigurationError(
                "--seeds '\(text)' is not a seed or a range of seeds; write N or LOW-HIGH with "
                    + "whole numbers, e.g. --seeds 1-100"
            )
        }
        guard first <= last else {
            throw ConfigurationError(
                "--seeds '\(text)' ends before it starts; write LOW-HIGH with LOW at most HIGH, "
                    + "e.g. --seeds \(last)-\(first)"
            )
        }
        guard last - first < countMax else {
            throw ConfigurationError(
                "--seeds '\(text)' names more than \(countMax) seeds; split it into several sweeps"
            )
        }
        return SeedRange(first: first, last: last)
    }
}

/// Where the runs of a sweep run.
public enum SweepEngine: Sendable, Hashable {
    /// Child processes on this machine, `jobs` at a time.
    case local
    /// A Slurm job array (`sbatch --array`), at most `jobs` tasks at a time, in `partition`
    /// (the cluster's default when nil).
    case slurm(partition: String?)

    /// `local` or `slurm`, as sweep.json names it.
    public var name: String {
        switch self {
        case .local: "local"
        case .slurm: "slurm"
        }
    }
}

/// The flags of `vortex sweep` as typed.
public struct SweepOptions: Sendable, Hashable {
    /// `--seeds`.
    public var seeds = ""
    /// `--jobs`; nil for the default (half the cores, at least one).
    public var jobs: String?
    /// `--output`; nil for a new directory under the temporary directory.
    public var output: String?
    /// `--keep-output`: keep every run's whole directory, passes included.
    public var keepOutput = false
    /// `--slurm`.
    public var slurm = false
    /// `--partition` (with `--slurm`).
    public var partition: String?
    /// The `vortex run` flags for every run.
    public var runArguments: [String] = []

    /// Options with every default.
    public init() {}
}

/// A checked sweep.
public struct SweepConfiguration: Sendable, Hashable {
    /// Most runs at once.
    public static let jobsMax = 256

    /// The seeds.
    public var seeds: SeedRange
    /// Most runs at once.
    public var jobs: Int
    /// The sweep's directory (absolute; new or empty).
    public var outputDirectory: String
    /// Keep every run's whole directory (otherwise a pass keeps report.html and summary.json).
    public var keepOutput: Bool
    /// The engine.
    public var engine: SweepEngine
    /// The `vortex run` flags of every run (never --seed, --output, --log, --check-only or
    /// --keep-output: the sweep sets those).
    public var runArguments: [String]
    /// The `vortex` executable the runs use (absolute).
    public var vortexExecutable: String

    /// Flags of `vortex run` that the sweep sets itself, and what to use instead.
    static let reservedRunFlags: [String: String] = [
        "--seed": "the sweep gives each run its seed; use --seeds",
        "--output": "the sweep names each run's directory; --output names the sweep's",
        "--log": "each run's output goes to <sweep>/seed-N.out",
        "--check-only": "the sweep checks the flags itself before it starts",
    ]

    /// The directory of one seed's run.
    public func runDirectory(seed: UInt64) -> String { "\(outputDirectory)/seed-\(seed)" }

    /// The file that receives one run's standard output and error.
    public func consoleFile(seed: UInt64) -> String { "\(outputDirectory)/seed-\(seed).out" }

    /// The argv of one seed's `vortex run`.
    public func runCommandLine(seed: UInt64) -> [String] {
        [vortexExecutable, "run", "--seed", "\(seed)", "--output", runDirectory(seed: seed)]
            + ["--keep-output"] + runArguments
    }

    /// Checks `options`; `processorCount` (this machine's by default) sets the default jobs.
    ///
    /// - Throws: ``ConfigurationError`` for the first wrong input.
    public static func validate(
        _ options: SweepOptions,
        environment: RunEnvironment,
        processorCount: Int? = nil
    ) throws(ConfigurationError) -> SweepConfiguration {
        let processorCount = processorCount ?? ProcessInfo.processInfo.activeProcessorCount
        guard !options.seeds.isEmpty else {
            throw ConfigurationError(
                "--seeds is missing; name the seeds to run, e.g. --seeds 1-100"
            )
        }
        let seeds = try SeedRange.parse(options.seeds)
        let jobs = try parseJobs(options.jobs, processorCount: processorCount)
        if options.partition != nil && !options.slurm {
            throw ConfigurationError("--partition needs --slurm; add --slurm or drop --partition")
        }
        var keepOutput = options.keepOutput
        var runArguments: [String] = []
        for argument in options.runArguments {
            let name = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
            if let instead = reservedRunFlags[name] {
                throw ConfigurationError("\(name) cannot be given to a sweep: \(instead)")
            }
            if argument == "--keep-output" {
                keepOutput = true
            } else {
                runArguments.append(argument)
            }
        }
        let stamp = Int(Date().timeIntervalSince1970)
        let output = try OutputLocation.checkDirectory(
            options.output ?? "\(environment.temporaryDirectory)/vortex-sweep-\(stamp)"
        )
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? "\(environment.vortexDirectory)/vortex"
        return SweepConfiguration(
            seeds: seeds,
            jobs: jobs,
            outputDirectory: output,
            keepOutput: keepOutput,
            engine: options.slurm ? .slurm(partition: options.partition) : .local,
            runArguments: runArguments,
            vortexExecutable: executable
        )
    }

    private static func parseJobs(
        _ text: String?,
        processorCount: Int
    ) throws(ConfigurationError)
        -> Int
    {
        guard let text else { return max(1, processorCount / 2) }
        guard let jobs = Int(text), (1...jobsMax).contains(jobs) else {
            throw ConfigurationError(
                "--jobs '\(text)' is not a number of runs at once; give one from 1 to \(jobsMax)"
            )
        }
        return jobs
    }
}
