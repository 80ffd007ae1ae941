// The Slurm engine of `vortex sweep` (docs/scale-out.md, "Slurm"): writes the job script
// (SlurmJobScript) into the sweep's directory, submits it (`sbatch --parsable`), then polls
// `squeue` until no task of the job is left, collecting each seed as its task leaves the queue.
// The sweep's directory must be on a file system every node sees. On SIGINT or SIGTERM it
// cancels the pending tasks and sends SIGINT to the running ones (`scancel --batch`), which stop
// in order; a second signal cancels everything. The same collection serves `--collect`.

import Foundation
import ProcessControl
import Synchronization

/// Runs a sweep as a Slurm job array.
final class SlurmSweep: Sendable {
    /// Time between two looks at the queue.
    static let pollInterval = Duration.seconds(1)
    /// Failed looks at the queue in a row after which the sweep stops waiting (about 5 min).
    static let unreachableLooksMax = 300
    private let session: SweepSession
    private let signalsReceived = Atomic<Int>(0)

    init(session: SweepSession) {
        self.session = session
    }

    private var configuration: SweepConfiguration { session.configuration }

    /// Submits the array, waits for it and collects every seed; returns the outcome.
    func run(signals: SignalWatcher?) async -> SweepOutcome {
        let directory = configuration.outputDirectory
        let script = "\(directory)/sweep.sbatch"
        do {
            try FileManager.default.createDirectory(
                atPath: "\(directory)/\(SlurmJobScript.slurmOutputFolder)",
                withIntermediateDirectories: true
            )
            try Data(SlurmJobScript.text(configuration).utf8).write(
                to: URL(fileURLWithPath: script)
            )
        } catch {
            session.console.line("vortex sweep: cannot write \(script): \(error)")
            return session.finish(interrupted: false)
        }
        var submit = Command("sbatch", arguments: ["--parsable", script])
        submit.workingDirectory = directory
        let submitted = try? await submit.run(timeout: .seconds(60))
        let jobIdentifier = submitted.flatMap { result -> String? in
            guard result.termination.isSuccess else { return nil }
            let line = result.standardOutput.text.split(whereSeparator: \.isNewline).first
            return line.flatMap { $0.split(separator: ";").first.map(String.init) }
        }
        guard let jobIdentifier, !jobIdentifier.isEmpty else {
            let why = submitted.map {
                $0.standardError.text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            session.console.line(
                "vortex sweep: sbatch did not accept the job: \(why ?? "no answer")"
            )
            return session.finish(interrupted: false)
        }
        session.setSlurmJob(jobIdentifier)
        session.console.line("vortex sweep: submitted Slurm job \(jobIdentifier) (\(script))")
        let interrupter = Task { [self] in
            guard let signals else { return }
            for await signal in signals.signals {
                await interrupt(signal, job: jobIdentifier)
            }
        }
        defer { interrupter.cancel() }
        await waitForQueue(job: jobIdentifier)
        for seed in configuration.seeds.seeds {
            collectIfEnded(seed)
        }
        return session.finish(interrupted: signalsReceived.load(ordering: .acquiring) > 0)
    }

    /// Polls squeue until the job has no task left; collects tasks as they leave.
    private func waitForQueue(job: String) async {
        var seen: Set<UInt64> = []
        var failedLooks = 0
        // Bounded by the job's life: squeue lists fewer tasks as they end, and a job it no
        // longer knows ends the loop; so do `unreachableLooksMax` failed looks in a row.
        while true {
            let queued: [UInt64: String]
            switch await queuedTasks(job: job) {
            case .gone:
                return
            case .unknown(let why):
                failedLooks += 1
                if failedLooks >= Self.unreachableLooksMax {
                    session.console.line(
                        "vortex sweep: squeue has not answered for \(failedLooks) looks (\(why)); "
                            + "collecting what job \(job) wrote so far"
                    )
                    return
                }
                try? await Task.sleep(for: Self.pollInterval)
                continue
            case .tasks(let tasks):
                failedLooks = 0
                queued = tasks
            }
            let first = configuration.seeds.first
            let running = Set(queued.filter { $0.value == "RUNNING" }.keys.map { first + $0 })
            let waiting = Set(queued.keys.map { first + $0 })
            for seed in configuration.seeds.seeds {
                let record = session.current[seed: seed]
                if running.contains(seed) && record?.status == .notStarted {
                    session.update(seed: seed) { $0.status = .running }
                    seen.insert(seed)
                } else if !waiting.contains(seed) && record?.status != .finished
                    && (seen.contains(seed) || hasOutput(seed))
                {
                    collectIfEnded(seed)
                }
            }
            if queued.isEmpty { return }
            try? await Task.sleep(for: Self.pollInterval)
        }
    }

    /// What squeue says about the job.
    private enum QueueLook {
        /// The job's tasks still queued or running, by array index, with their state.
        case tasks([UInt64: String])
        /// squeue no longer knows the job (purged after it ended).
        case gone
        /// squeue did not answer.
        case unknown(String)
    }

    private func queuedTasks(job: String) async -> QueueLook {
        let command = Command("squeue", arguments: ["-h", "-r", "-j", job, "-o", "%K %T"])
        let result: CommandResult
        do {
            result = try await command.run(timeout: .seconds(30))
        } catch {
            return .unknown("\(error)")
        }
        guard result.termination.isSuccess else {
            // squeue exits 1 with "Invalid job id" once the job has been purged.
            let text = result.standardError.text
            return text.contains("Invalid job id") ? .gone : .unknown(text)
        }
        var tasks: [UInt64: String] = [:]
        for line in result.standardOutput.text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let index = UInt64(fields[0]) else { continue }
            tasks[index] = String(fields[1])
        }
        return .tasks(tasks)
    }

    private func hasOutput(_ seed: UInt64) -> Bool {
        FileManager.default.fileExists(atPath: configuration.consoleFile(seed: seed))
    }

    /// Records a seed whose task has ended (it has a console file or a summary).
    private func collectIfEnded(_ seed: UInt64) {
        guard let record = session.current[seed: seed], record.status != .finished,
            hasOutput(seed)
                || FileManager.default.fileExists(atPath: configuration.runDirectory(seed: seed))
        else { return }
        session.finished(
            SweepRunCollector.collect(
                seed: seed,
                ending: .unknown,
                configuration: configuration,
                record: record
            )
        )
    }

    /// First signal: cancel pending tasks, SIGINT to running ones; later: cancel everything.
    private func interrupt(_ signal: Signal, job: String) async {
        let count = signalsReceived.add(1, ordering: .acquiringAndReleasing).newValue
        let commands: [[String]]
        if count == 1 {
            session.console.line(
                "vortex sweep: \(signal): cancelling job \(job)'s waiting tasks and stopping its "
                    + "running runs in order (again to cancel them outright)"
            )
            commands = [
                ["scancel", "--state=PENDING", job], ["scancel", "--batch", "--signal=INT", job],
            ]
        } else {
            session.console.line("vortex sweep: \(signal) again: cancelling job \(job)")
            commands = [["scancel", job]]
        }
        for arguments in commands {
            _ = try? await Command(arguments[0], arguments: Array(arguments.dropFirst()))
                .run(timeout: .seconds(30))
        }
    }
}
