// `vortex replay DIR`: the run of DIR again — same configuration, same seed (so the same
// workload and proxy draws, RunSeeds), but with the fault decisions of DIR/faults.jsonl (or of
// `--schedule FILE`) carried out at their recorded times instead of drawn. ReplayOptions are the
// flags; `ReplayPlan.prepare` checks them and DIR and turns DIR's summary.json back into run
// flags, which go through the same validation as `vortex run`'s (a target file that is gone, a
// driver that is not installed: one line, exit 2). The plan travels with the run to the tick
// loop and to the summary, which records what was replayed and whether the run failed as the
// original did.

/// The flags of `vortex replay` before validation.
public struct ReplayOptions: Sendable, Hashable {
    /// The original run's output directory.
    public var directory: String
    /// `--schedule`: a faults.jsonl on the original's clock to carry out instead of its own.
    public var schedule: String?
    /// `--output`: the replay's output directory.
    public var output: String?
    /// `--test-duration`: overrides the original's duration.
    public var testDuration: String?
    /// `--keep-output`: keep the output directory after a pass.
    public var keepOutput = false

    /// Options replaying `directory` as it was.
    public init(directory: String) {
        self.directory = directory
    }
}

/// A replay: the original run and the schedule to carry out.
public struct ReplayPlan: Sendable {
    /// The original run's output directory.
    public let originalDirectory: String
    /// The faults.jsonl the schedule came from.
    public let schedulePath: String
    /// The decisions, due at their recorded times.
    public let schedule: ScriptedSchedule
    /// How the original run ended.
    public let original: FailureSignature

    /// Checks `options` and the original directory; returns the run's configuration and plan.
    ///
    /// - Throws: ``ConfigurationError`` for the first thing wrong (the directory, its files, a
    ///   flag, or the original's configuration on this machine).
    public static func prepare(
        _ options: ReplayOptions,
        environment: RunEnvironment
    ) throws(ConfigurationError) -> (RunConfiguration, ReplayPlan) {
        let recorded = try RecordedRun.read(
            directory: options.directory,
            schedule: options.schedule
        )
        // The recorded configuration first, alone: what is wrong with it is said to come from
        // the summary, not from flags the user did not type.
        do {
            let recordedOptions = try recorded.runOptions(
                output: nil,
                testDuration: nil,
                keepOutput: false
            )
            _ = try RunConfiguration.validate(recordedOptions, environment: environment)
        } catch {
            throw ConfigurationError(
                "\(recorded.directory)/summary.json: its configuration cannot run here: "
                    + error.message
            )
        }
        let runOptions = try recorded.runOptions(
            output: options.output,
            testDuration: options.testDuration,
            keepOutput: options.keepOutput
        )
        let configuration = try RunConfiguration.validate(runOptions, environment: environment)
        try recorded.requireOutside(configuration.outputDirectory)
        let plan = ReplayPlan(
            originalDirectory: recorded.directory,
            schedulePath: recorded.schedulePath,
            schedule: ScriptedSchedule(
                entries: recorded.entries,
                loopStartUs: recorded.loopStartUs
            ),
            original: recorded.failure
        )
        return (configuration, plan)
    }

    /// What summary.json records about this replay, which ended as `outcome`.
    func summary(outcome: FailureSignature, skipped: Int) -> ReplaySummary {
        ReplaySummary(
            original: originalDirectory,
            schedule: schedulePath,
            scheduled: schedule.steps.count,
            skipped: skipped,
            originalReason: original.reason,
            originalMismatch: original.mismatch,
            matchesOriginal: outcome == original
        )
    }

    /// The line printed (after `vortex: `) before the verdict: whether the replay ended as the
    /// original did.
    func comparisonLine(outcome: FailureSignature, skipped: Int) -> String {
        let skips =
            skipped == 0 ? "" : " (impossible decisions skipped: \(skipped); see vortex.log)"
        if outcome == original {
            let how = original.isPass ? "passes" : "fails the same way"
            return "replay: \(how) as the original (\(original))\(skips)"
        }
        return "replay: does not match: the original ended with \(original), this replay "
            + "with \(outcome)\(skips)"
    }
}

extension RecordedRun {
    /// The flags of `vortex run` that rerun this run's configuration with its seed.
    func runOptions(
        output: String?,
        testDuration: String?,
        keepOutput: Bool
    ) throws(ConfigurationError) -> RunOptions {
        let configuration = summary.configuration
        var options = RunOptions()
        options.target = configuration.target
        options.faults = configuration.backend
        options.replicaCount = "\(configuration.replicaCount)"
        options.testDuration = testDuration ?? DurationSyntax.format(self.testDuration)
        options.seed = "\(summary.seed)"
        options.output = output
        options.livenessWindow = DurationSyntax.format(
            .microseconds(Int64((configuration.livenessWindowSeconds * 1e6).rounded()))
        )
        options.keepOutput = keepOutput
        options.tigerbeetleExecutable = configuration.tigerbeetleExecutable
        // Versions before --faulty-max bounded nothing: every replica may be faulty.
        options.faultyMax = configuration.faultyMax ?? "\(configuration.replicaCount)"
        options.faultWeights = FaultKind.allCases.map {
            "\($0.rawValue)=\(configuration.faultWeights[$0.rawValue] ?? 0)"
        }
        options.workload = configuration.workload
        options.clients = configuration.clients.map { "\($0)" }
        options.requestTimeout = configuration.requestTimeoutSeconds.map {
            DurationSyntax.format(.microseconds(Int64(($0 * 1e6).rounded())))
        }
        // The target's own driver needs no flag (its tokens may hold spaces); any other was
        // given as --driver-command and is given again.
        let target: TargetDefinition
        if let builtin = BuiltinTargets.target(named: configuration.target) {
            target = builtin
        } else {
            target = try TargetFile.load(path: configuration.target, fromTargetFlag: false)
        }
        let workload = WorkloadKind(rawValue: configuration.workload) ?? .ledger
        if target.driver.command(for: workload)?.description != configuration.driverCommand {
            options.driverCommand = configuration.driverCommand
        }
        return options
    }
}
