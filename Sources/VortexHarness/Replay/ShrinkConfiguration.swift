// The flags of `vortex shrink` as typed (ShrinkOptions) and checked (ShrinkConfiguration): the
// original directory must hold a failing run that a replay can rerun here (the same checks as
// `vortex replay`), the budget is a duration, --jobs a small number, and the output directory new
// or empty and outside the original, which shrink never changes. Any wrong input is one line
// and exit 2, before any candidate runs.

import Foundation

/// The flags of `vortex shrink` before validation.
public struct ShrinkOptions: Sendable, Hashable {
    /// The failing run's output directory.
    public var directory: String
    /// `--output`: where the smallest schedule and the shrink's log go.
    public var output: String?
    /// `--budget`: how long the whole search may take.
    public var budget = "1h"
    /// `--jobs`: candidates run side by side; by default half the processors, at least one.
    public var jobs: String?

    /// Options shrinking `directory` with every default.
    public init(directory: String) {
        self.directory = directory
    }

    /// The default of `--jobs`: half the processors (each replay runs a cluster), at least 1.
    public static var defaultJobs: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
    }
}

/// A checked `vortex shrink`.
public struct ShrinkConfiguration: Sendable {
    /// The most candidates that may run side by side.
    public static let jobsMax = 16

    /// The original run.
    public let original: RecordedRun
    /// When the original failed, as time since its tick loop started.
    public let failureLoopTime: Duration
    /// How long the search may take.
    public let budget: Duration
    /// Candidates run side by side.
    public let jobs: Int
    /// The output directory (absolute; new or empty).
    public let outputDirectory: String

    /// The failure every kept candidate must show.
    public var failure: FailureSignature { original.failure }

    /// Checks `options`.
    ///
    /// - Throws: ``ConfigurationError`` for the first wrong input.
    public static func validate(
        _ options: ShrinkOptions,
        environment: RunEnvironment
    ) throws(ConfigurationError) -> ShrinkConfiguration {
        // Everything a candidate replay checks, once, before any runs.
        _ = try ReplayPlan.prepare(
            ReplayOptions(directory: options.directory),
            environment: environment
        )
        let original = try RecordedRun.read(directory: options.directory)
        let summaryPath = "\(original.directory)/summary.json"
        guard original.summary.verdict == RunOutcome.Verdict.fail.rawValue else {
            throw ConfigurationError(
                "\(summaryPath): the run's verdict is \(original.summary.verdict) "
                    + "(reason \(original.summary.reason)); shrink needs a failing run"
            )
        }
        guard let failureLoopTime = original.verdictLoopTime else {
            throw ConfigurationError(
                "\(summaryPath): the run failed before its faults began (no tickLoopStartUs or "
                    + "verdictTimeUs); there is no schedule to shrink"
            )
        }
        let budget = try DurationSyntax.parse(options.budget, name: "--budget")
        let jobs = try parseJobs(options.jobs)
        let output = try OutputLocation.checkDirectory(
            options.output
                ?? "\(environment.temporaryDirectory)/vortex-shrink-"
                + "\(Int(Date().timeIntervalSince1970))-\(original.summary.seed)"
        )
        try original.requireOutside(output)
        return ShrinkConfiguration(
            original: original,
            failureLoopTime: failureLoopTime,
            budget: budget,
            jobs: jobs,
            outputDirectory: output
        )
    }

    private static func parseJobs(_ text: String?) throws(ConfigurationError) -> Int {
        guard let text else { return ShrinkOptions.defaultJobs }
        guard let jobs = Int(text), (1...jobsMax).contains(jobs) else {
            throw ConfigurationError(
                "--jobs '\(text)' is out of range; use a number from 1 to \(jobsMax) (each job "
                    + "runs a whole cluster)"
            )
        }
        return jobs
    }
}
