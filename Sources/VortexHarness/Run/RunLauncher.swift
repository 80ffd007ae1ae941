// Entry point of a validated run, called by `vortex run`. In the invoking process it records the
// chosen seed and output directory in the environment and re-executes vortex inside new
// user+pid+net+mount namespaces (ProcessControl.Namespaces), as the original: fixed ports never
// collide and nothing outlives the run. Inside, it creates the output directory, checks the
// network backend, runs the cluster to a verdict, writes summary.json, prints the verdict line,
// and removes the output directory after a pass unless asked to keep it.

import Foundation
import Netem
import ProcessControl
import Synchronization
import Workload

/// Starts a validated run and returns its exit code.
public enum RunLauncher {
    /// Runs `configuration` to the end and returns the exit code of the verdict.
    public static func launch(_ configuration: RunConfiguration) async -> Int32 {
        setenv(RunEnvironment.seedVariable, "\(configuration.seed)", 1)
        setenv(RunEnvironment.outputVariable, configuration.outputDirectory, 1)
        if let failure = await relaunchInNamespaces() {
            printError(
                "cannot create the run's namespaces: \(failure); unprivileged user namespaces "
                    + "must be enabled (sysctl kernel.unprivileged_userns_clone=1)"
            )
            return ExitReason.usage.code
        }
        unsetenv(RunEnvironment.seedVariable)
        unsetenv(RunEnvironment.outputVariable)
        if let logFile = configuration.logFile {
            let descriptor = open(logFile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                printError("--log \(logFile) cannot be opened: \(String(cString: strerror(errno)))")
                return ExitReason.usage.code
            }
            dup2(descriptor, 2)
            close(descriptor)
        }
        return await runInside(configuration)
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

    private static func runInside(_ configuration: RunConfiguration) async -> Int32 {
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
            return ExitReason.usage.code
        }
        let replicaProcesses = ReplicaProcessTable()
        let network: (any StoppableNetwork)?
        do {
            network = try makeNetwork(configuration, replicaProcesses: replicaProcesses)
            let unsupported =
                network?.capabilities.unsupportedKinds(among: configuration.faultWeights) ?? []
            if !unsupported.isEmpty {
                throw ConfigurationError(
                    "--faults \(configuration.faults.rawValue) cannot inject "
                        + unsupported.map(\.rawValue).joined(separator: ", ")
                        + "; set their --fault-weight to 0 or use another backend"
                )
            }
        } catch {
            try? FileManager.default.removeItem(atPath: output)
            printError("\(error)")
            return ExitReason.usage.code
        }
        let log: RunLog
        let trace: RunTrace
        let run: ClusterRun
        do {
            log = try RunLog(path: "\(output)/vortex.log")
            trace = try RunTrace(
                path: "\(output)/trace.json",
                replicaCount: configuration.replicaCount
            )
            run = try ClusterRun(
                configuration: configuration,
                log: log,
                trace: trace,
                network: network,
                replicaProcesses: replicaProcesses
            )
        } catch {
            printError("cannot write to \(output): \(error)")
            return ExitReason.internalError.code
        }
        logStart(configuration, log: log)
        let started = ContinuousClock.now
        let (reason, message) = await run.run(terminationSignals: signals)
        let elapsed = ContinuousClock.now - started
        run.faultLog.close()
        try? trace.close()
        writeSummary(
            configuration,
            run: run,
            reason: reason,
            message: message,
            elapsed: elapsed,
            log: log
        )
        log.log(reason == .pass ? .info : .error, "vortex", "done: \(reason) (\(message))")
        let removeOutput = reason == .pass && !configuration.keepOutput
        if removeOutput {
            try? FileManager.default.removeItem(atPath: output)
        }
        print(RunSummary.verdictLine(reason: reason, seed: configuration.seed, output: output))
        return reason.code
    }

    private static func makeNetwork(
        _ configuration: RunConfiguration,
        replicaProcesses: ReplicaProcessTable
    ) throws -> (any StoppableNetwork)? {
        switch configuration.faults {
        case .none: return nil
        case .proxy:
            var random = VortexRandom(seed: configuration.seed)
            _ = (random.next(), random.next())
            // Telling connections apart by replica costs a /proc scan per accepted connection;
            // only isolation needs it.
            var replicaProcessIDs: (@Sendable () -> [Int: Int32])?
            if configuration.faultWeights[.isolate] > 0 {
                replicaProcessIDs = { replicaProcesses.current }
            }
            return ProxyNetwork(
                layout: configuration.layout,
                corruptiblePorts: configuration.target.corruptiblePorts,
                seed: random.next(),
                replicaProcessIDs: replicaProcessIDs
            )
        case .netem:
            do {
                return try NetemNetwork(
                    layout: configuration.layout,
                    replicaProcessIDs: { replicaProcesses.current }
                )
            } catch {
                // A missing kernel feature's line already names its fix.
                var fix = "; use --faults proxy, or a kernel with CONFIG_NET_SCH_NETEM"
                if case NetemError.unsupported = error { fix = "" }
                throw ConfigurationError("--faults netem cannot be used here: \(error)\(fix)")
            }
        }
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

    private static func writeSummary(
        _ configuration: RunConfiguration,
        run: ClusterRun,
        reason: ExitReason,
        message: String,
        elapsed: Duration,
        log: RunLog
    ) {
        let summary = RunSummary(
            reason: reason,
            message: message,
            seed: configuration.seed,
            target: configuration.target.name,
            faults: configuration.faults.rawValue,
            replicaCount: configuration.replicaCount,
            testDuration: configuration.testDuration,
            elapsed: elapsed,
            faultsInjected: run.faultCounts.withLock { $0 },
            latencyByCommand: run.progress.latencyByCommand,
            longestRecovery: run.longestRecovery.withLock { $0 },
            output: configuration.outputDirectory
        )
        do {
            try summary.json().write(
                to: URL(fileURLWithPath: "\(configuration.outputDirectory)/summary.json")
            )
        } catch {
            log.log(.error, "vortex", "cannot write summary.json: \(error)")
        }
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data("vortex: \(message)\n".utf8))
    }
}
