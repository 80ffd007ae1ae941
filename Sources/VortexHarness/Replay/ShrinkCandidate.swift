// One candidate of `vortex shrink`: a subset of the original's decisions and a duration, run as
// its own `vortex replay ORIGINAL --schedule FILE --test-duration D --keep-output` process (its
// own namespaces, so candidates side by side never collide). Before it runs, the subset is made
// consistent: a decision that would be impossible where it now stands (the restart of a replica
// whose terminate was removed, the resume of a pause that was removed) is dropped, so candidates
// carry out everything they list. Its files live under `<shrink output>/candidates/` until the
// shrink discards them or keeps the best.

import Foundation
import ProcessControl

/// A subset of a schedule and a duration to try.
struct ShrinkCandidate: Sendable, Hashable {
    /// Indices into the original's decisions, in order; consistent (see `consistent`).
    var decisions: [Int]
    /// The test duration.
    var duration: Duration

    /// `indices` without the decisions that would be impossible in `entries`' order from a
    /// healthy cluster of `replicaCount` replicas.
    static func consistent(
        _ indices: [Int],
        of entries: [FaultLogEntry],
        replicaCount: Int
    ) -> [Int] {
        var cluster = ObservedCluster(replicaCount: replicaCount)
        return indices.filter { index in
            let decision = entries[index].decision
            guard cluster.impossibility(of: decision) == nil else { return false }
            cluster.apply(decision)
            return true
        }
    }
}

/// How a candidate ended.
enum CandidateOutcome: Sendable, Hashable {
    /// The replay ran to a verdict: how it ended and when (since its tick loop started).
    case ended(FailureSignature, verdictLoopTime: Duration?)
    /// It was stopped before its verdict (budget spent, shrink interrupted).
    case stopped
    /// It could not run; the first line it printed.
    case broken(String)
}

/// Runs candidates as replay processes and manages their files.
struct CandidateRunner: Sendable {
    /// The vortex executable that runs each replay.
    let executable: String
    /// The original run.
    let original: RecordedRun
    /// `<shrink output>/candidates`.
    let directory: String

    /// Time a stopped replay gets to stop in order before it is killed.
    static let stopGracePeriod = Duration.seconds(60)

    /// The output directory of candidate `number`.
    func outputDirectory(_ number: Int) -> String { "\(directory)/\(number)" }

    /// The schedule file of candidate `number`.
    func scheduleFile(_ number: Int) -> String { "\(directory)/\(number).jsonl" }

    /// The standard output and error of candidate `number`'s replay.
    func consoleFile(_ number: Int) -> String { "\(directory)/\(number).out" }

    /// Runs `candidate` as number `number` until its verdict, `deadline`, or cancellation.
    func run(
        _ candidate: ShrinkCandidate,
        number: Int,
        deadline: ContinuousClock.Instant
    ) async -> CandidateOutcome {
        do {
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true
            )
            try Self.writeSchedule(
                candidate.decisions.map { original.entries[$0] },
                to: scheduleFile(number)
            )
        } catch {
            return .broken("cannot write \(scheduleFile(number)): \(error)")
        }
        var command = Command(
            executable,
            arguments: [
                "replay", original.directory, "--schedule", scheduleFile(number),
                "--test-duration", DurationSyntax.format(candidate.duration),
                "--output", outputDirectory(number), "--keep-output",
            ]
        )
        command.standardInput = .null
        command.standardOutput = .file(consoleFile(number), append: false)
        command.standardError = .file(consoleFile(number), append: true)
        command.deathSignal = .kill
        let child: ChildProcess
        do {
            child = try command.spawn()
        } catch {
            return .broken("cannot start \(executable): \(error)")
        }
        let termination = await withTaskCancellationHandler {
            if let ended = await child.wait(timeout: max(.zero, deadline - .now)) {
                return ended
            }
            return await Self.stop(child)
        } onCancel: {
            try? child.signal(.terminate)
        }
        if Task.isCancelled || ContinuousClock.now >= deadline
            || termination.shellStatus == RunOutcome.interrupted.code
        {
            return .stopped
        }
        return outcome(number, termination: termination)
    }

    /// Removes every file of candidate `number`.
    func discard(_ number: Int) {
        for path in [outputDirectory(number), scheduleFile(number), consoleFile(number)] {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Writes `entries` as a faults.jsonl at `path`.
    static func writeSchedule(_ entries: [FaultLogEntry], to path: String) throws {
        let file = try FaultLogFile(path: path)
        for entry in entries { file.append(entry) }
        file.close()
    }

    private static func stop(_ child: ChildProcess) async -> Termination {
        try? child.signal(.terminate)
        if let ended = await child.wait(timeout: stopGracePeriod) { return ended }
        try? child.kill()
        return await child.wait()
    }

    private func outcome(_ number: Int, termination: Termination) -> CandidateOutcome {
        let summaryPath = "\(outputDirectory(number))/summary.json"
        guard let data = FileManager.default.contents(atPath: summaryPath),
            let summary = try? JSONDecoder().decode(RunSummary.self, from: data)
        else {
            let console = (try? String(contentsOfFile: consoleFile(number), encoding: .utf8)) ?? ""
            let line = console.split(separator: "\n").first.map(String.init) ?? ""
            return .broken("the replay ended with \(termination) and no summary: \(line)")
        }
        return .ended(FailureSignature(summary), verdictLoopTime: summary.verdictLoopTime)
    }
}
