// Entry point of a validated run, called by `vortex run`. In the invoking process it records the
// chosen seed and output directory in the environment and re-executes vortex inside new
// user+pid+net+mount namespaces (ProcessControl.Namespaces), as the original: fixed ports never
// collide and nothing outlives the run. Inside, it creates the output directory, checks the
// network backend, runs the cluster to a verdict, writes summary.json and report.html, prints the
// verdict line, and removes the output directory after a pass unless asked to keep it. A replay
// (`vortex replay`) is the same run with a recorded schedule; it also says whether it ended as
// the original did, on the line before the verdict.

import Foundation
import ProcessControl

/// Starts a validated run and returns its exit code.
public enum RunLauncher {
    /// Runs `configuration` to the end (carrying out `replay`'s schedule instead of drawing
    /// faults, when given) and returns the exit code of the verdict.
    public static func launch(
        _ configuration: RunConfiguration,
        replay: ReplayPlan? = nil
    ) async -> Int32 {
        setenv(RunEnvironment.seedVariable, "\(configuration.seed)", 1)
        setenv(RunEnvironment.outputVariable, configuration.outputDirectory, 1)
        if let failure = await relaunchInNamespaces() {
            printError(
                "cannot create the run's namespaces: \(failure); unprivileged user namespaces "
                    + "must be enabled (sysctl kernel.unprivileged_userns_clone=1)"
            )
            return RunOutcome.usage.code
        }
        unsetenv(RunEnvironment.seedVariable)
        unsetenv(RunEnvironment.outputVariable)
        if let logFile = configuration.logFile {
            let descriptor = open(logFile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                printError("--log \(logFile) cannot be opened: \(String(cString: strerror(errno)))")
                return RunOutcome.usage.code
            }
            dup2(descriptor, 2)
            close(descriptor)
        }
        return await runInside(configuration, replay: replay)
    }

    /// Re-executes vortex in new namespaces. Returns (nil) only inside them; the outer process
    /// waits for the inner one and exits with its status. The outer's wait blocks its thread, so
    /// it runs on a thread of its own: blocking a thread of the concurrency pool would deadlock
    /// on a one-CPU machine (a pool of one thread, e.g. under user-mode-linux).
    private static func relaunchInNamespaces() async -> String? {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                do {
                    try Namespaces.relaunchInNewNamespacesIfNeeded()
                    continuation.resume(returning: nil)
                } catch {
                    continuation.resume(returning: "\(error)")
                }
            }
            thread.name = "vortex-relaunch"
            thread.start()
        }
    }

    private static func runInside(
        _ configuration: RunConfiguration,
        replay: ReplayPlan?
    ) async -> Int32 {
        // First of all: from here on SIGINT/SIGTERM are kept (as pid 1 of the namespace this
        // process would otherwise ignore them) and acted on once the supervision tree runs.
        let signals = try? SignalWatcher([.interrupt, .terminate])
        let output = configuration.outputDirectory
        do {
            try FileManager.default.createDirectory(
                atPath: output,
                withIntermediateDirectories: true
            )
        } catch {
            printError(
                "--output \(output): cannot create the output directory there; "
                    + "give --output a path in a writable directory"
            )
            return RunOutcome.usage.code
        }
        let clock = RunClock()
        let seeds = RunSeeds(runSeed: configuration.seed)
        let replicaProcesses = ReplicaProcessTable()
        let network: (any NetworkBackend)?
        do {
            network = try NetworkBackends.make(
                configuration,
                seeds: seeds,
                replicaProcesses: replicaProcesses
            )
        } catch {
            try? FileManager.default.removeItem(atPath: output)
            printError("\(error)")
            return RunOutcome.usage.code
        }
        let log: RunLog
        let trace: RunTrace
        let run: ClusterRun
        do {
            log = try RunLog(path: "\(output)/vortex.log", clock: clock)
            trace = try RunTrace(
                path: "\(output)/trace.json",
                replicaCount: configuration.replicaCount,
                clock: clock
            )
            run = try ClusterRun(
                configuration: configuration,
                clock: clock,
                log: log,
                trace: trace,
                network: network,
                replicaProcesses: replicaProcesses,
                replay: replay
            )
        } catch {
            printError("cannot write to \(output): \(error)")
            return RunOutcome.internalError.code
        }
        logStart(configuration, log: log)
        if let replay {
            log.log(
                .info,
                "vortex",
                "replay of \(replay.originalDirectory): \(replay.schedule.steps.count) decisions "
                    + "from \(replay.schedulePath)"
            )
        }
        let result = await run.run(terminationSignals: signals)
        let elapsed = clock.elapsed()
        run.faultLog.close()
        try? trace.close()
        let signature = FailureSignature(
            reason: result.outcome.description,
            mismatch: result.mismatch
        )
        let skipped = result.statistics.skipped
        let summary = RunSummary(
            configuration,
            result: result,
            elapsed: elapsed,
            commandLine: CommandLine.arguments,
            replay: replay?.summary(outcome: signature, skipped: skipped)
        )
        do {
            try summary.json().write(to: URL(fileURLWithPath: "\(output)/summary.json"))
        } catch {
            log.log(.error, "vortex", "cannot write summary.json: \(error)")
        }
        logTotals(summary, log: log)
        let outcome = result.outcome
        log.log(outcome == .pass ? .info : .error, "vortex", "done: \(outcome) (\(result.message))")
        let comparison = replay?.comparisonLine(outcome: signature, skipped: skipped)
        if let comparison { log.log(.info, "vortex", comparison) }
        let removeOutput = outcome == .pass && !configuration.keepOutput
        if !removeOutput,
            let problem = RunReportWriter.write(
                summary: summary,
                run: run,
                clock: clock,
                elapsed: elapsed
            )
        {
            log.log(.warning, "vortex", problem)
        }
        if removeOutput {
            try? FileManager.default.removeItem(atPath: output)
        }
        if let comparison { print("vortex: \(comparison)") }
        print(
            RunSummary.verdictLine(
                outcome: outcome,
                seed: configuration.seed,
                output: removeOutput ? nil : output
            )
        )
        return outcome.code
    }

    private static func logStart(_ configuration: RunConfiguration, log: RunLog) {
        let seedSource = configuration.seedWasGiven ? "" : " (random; rerun with --seed)"
        log.log(.info, "vortex", "seed=\(configuration.seed)\(seedSource)")
        log.log(.info, "vortex", "output_directory=\(configuration.outputDirectory)")
        log.log(
            .info,
            "vortex",
            "target=\(configuration.target.name) faults=\(configuration.faults.rawValue) "
                + "replicas=\(configuration.replicaCount) "
                + "duration=\(DurationSyntax.format(configuration.testDuration)) "
                + "liveness_window=\(DurationSyntax.format(configuration.livenessWindow))"
        )
    }

    /// The original's closing lines: requests and the ledger totals with their rates.
    private static func logTotals(_ summary: RunSummary, log: RunLog) {
        let requests = summary.requests.values.reduce(0, +)
        log.log(
            .info,
            "vortex",
            "requests=\(requests) requests_per_second=\(summary.requestsPerSecond)"
        )
        if let ledger = summary.ledger {
            log.log(
                .info,
                "vortex",
                "accounts_created=\(ledger.accountsCreated) "
                    + "transfers_created=\(ledger.transfersCreated) "
                    + "transfers_per_second=\(ledger.transfersPerSecond)"
            )
        }
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data("vortex: \(message)\n".utf8))
    }
}
