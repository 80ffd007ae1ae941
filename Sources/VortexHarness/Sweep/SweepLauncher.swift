// Entry point of `vortex sweep` (docs/scale-out.md): checks what needs other programs
// (SweepPreflight), watches SIGINT and SIGTERM from the first moment, creates the sweep's
// directory and runs the seeds with the chosen engine. Also `--collect`: builds sweep.json and
// index.html from run directories that another scheduler filled (a Kubernetes Indexed Job).

import Foundation
import ProcessControl

/// Starts a validated sweep and returns its exit code.
public enum SweepLauncher {
    /// Runs `configuration` to the end; returns the exit code (SweepOutcome).
    public static func launch(_ configuration: SweepConfiguration) async -> Int32 {
        let signals = try? SignalWatcher([.interrupt, .terminate])
        defer { signals?.stop() }
        do {
            try await SweepPreflight.check(configuration)
        } catch {
            printError(error.message)
            return SweepOutcome.usage.code
        }
        let session: SweepSession
        do {
            session = try SweepSession(configuration)
        } catch {
            printError(
                "--output \(configuration.outputDirectory): cannot create the sweep's directory "
                    + "(\(error)); give --output a path in a writable directory"
            )
            return SweepOutcome.usage.code
        }
        session.console.line(
            "vortex sweep: seeds \(configuration.seeds) (\(configuration.seeds.count) runs, "
                + "\(configuration.jobs) at once, \(configuration.engine.name)) into "
                + configuration.outputDirectory
        )
        let ticker = Task { await session.tickProgress() }
        defer { ticker.cancel() }
        switch configuration.engine {
        case .local:
            return await LocalSweep(session: session).run(signals: signals).code
        case .slurm:
            return await SlurmSweep(session: session).run(signals: signals).code
        }
    }

    /// Collects the run directories `<directory>/seed-<n>` of `seeds` into sweep.json and
    /// index.html (a pass keeps report.html and summary.json only, as in a sweep).
    public static func collect(directory: String, seeds: SeedRange) -> Int32 {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            printError(
                "--collect \(directory) is not a directory; name the folder the runs wrote to"
            )
            return SweepOutcome.usage.code
        }
        let configuration = SweepConfiguration(
            seeds: seeds,
            jobs: 1,
            outputDirectory: OutputLocation.absolutePath(directory),
            keepOutput: false,
            engine: .local,
            runArguments: [],
            vortexExecutable: "vortex"
        )
        let session: SweepSession
        do {
            session = try SweepSession(configuration, collecting: true)
        } catch {
            printError("--collect \(directory): cannot write sweep.json there (\(error))")
            return SweepOutcome.usage.code
        }
        for seed in seeds.seeds
        where FileManager.default.fileExists(
            atPath: configuration.runDirectory(seed: seed)
        ) {
            guard let record = session.current[seed: seed] else { continue }
            session.finished(
                SweepRunCollector.collect(
                    seed: seed,
                    ending: .unknown,
                    configuration: configuration,
                    record: record
                )
            )
        }
        return session.finish(interrupted: false).code
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data("vortex: \(message)\n".utf8))
    }
}
