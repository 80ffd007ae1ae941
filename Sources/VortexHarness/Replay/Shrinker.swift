// `vortex shrink DIR`: from a failing run to the smallest reproduction. Every candidate is a
// replay of DIR with a subset of its decisions and a test duration (ShrinkCandidate); it is kept
// when it fails the same way (FailureSignature: reason, and for reconciliation the kind of
// mismatch). The search:
//   1. reproduce: all decisions, the duration cut to just after the original's failure (the
//      failure time since the tick loop started, plus a margin); if that does not fail the same
//      way, the original duration; if neither does, the failure does not reproduce (exit 1);
//   2. no decisions at all (a failure that needs no fault);
//   3. ddmin over the decisions (DeltaDebugging), candidates side by side with --jobs;
//   4. the duration cut again, to just after the smallest schedule's own failure.
// No candidate starts after the budget; one running when it ends is stopped. The smallest
// failing schedule is written as `<output>/faults.jsonl` (the original's lines, times on the
// original's clock), the replay that showed it as `<output>/replay/`, and the last line printed
// is the `vortex replay` command that reproduces it. The original directory is only read.

import Foundation
import ProcessControl

/// How a shrink ended; the process exits with ``code``.
public enum ShrinkOutcome: Int32, Sendable, Hashable {
    /// A failing schedule was written (the smallest found within the budget).
    case written = 0
    /// The failure did not reproduce in a replay, or a replay could not run.
    case notReproduced = 1
    /// Interrupted by SIGINT or SIGTERM (the smallest schedule so far is written, if any).
    case interrupted = 143

    /// The exit code.
    public var code: Int32 { rawValue }
}

/// Runs the search of one `vortex shrink`.
public final class Shrinker {
    /// The smallest failing candidate so far.
    private struct Best {
        var candidate: ShrinkCandidate
        var number: Int
        var verdictLoopTime: Duration?
    }

    private let configuration: ShrinkConfiguration
    private let runner: CandidateRunner
    private let report: ShrinkReport
    private let commandName: String
    private let started = ContinuousClock.now
    private let deadline: ContinuousClock.Instant
    private var best: Best?
    private var results: [ShrinkCandidate: Bool] = [:]
    private var tried = 0
    private var broken: String?
    /// Whether a batch ended undecided (budget spent, interrupted, a replay broken).
    private var stoppedEarly = false

    /// A shrink of `configuration`; `commandName` is how the user invoked vortex (for the
    /// printed replay command).
    public init(_ configuration: ShrinkConfiguration, commandName: String) throws {
        self.configuration = configuration
        self.commandName = commandName
        deadline = started + configuration.budget
        try FileManager.default.createDirectory(
            atPath: configuration.outputDirectory,
            withIntermediateDirectories: true
        )
        runner = CandidateRunner(
            executable: try Namespaces.currentExecutablePath(),
            original: configuration.original,
            directory: "\(configuration.outputDirectory)/candidates"
        )
        let count = configuration.original.entries.count
        report = ShrinkReport(
            outputDirectory: configuration.outputDirectory,
            status: ShrinkStatus(
                faultsLeft: count,
                faultsOriginal: count,
                bestDuration: configuration.original.testDuration
            )
        )
    }

    /// The duration that ends just after a failure at loop time `failure`: a margin of a tenth
    /// (at least 1 s), rounded up to 100 ms.
    public static func duration(after failure: Duration) -> Duration {
        let end = failure + max(.seconds(1), failure / 10)
        let (seconds, attoseconds) = end.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        let stepNanoseconds: Int64 = 100_000_000
        let steps = (nanoseconds + stepNanoseconds - 1) / stepNanoseconds
        return .nanoseconds(steps * stepNanoseconds)
    }

    /// Searches, writes the result and returns how the shrink ended.
    public func run() async -> ShrinkOutcome {
        let progress = Task { [report, started, configuration] in
            await report.showProgress(startedAt: started, budget: configuration.budget)
        }
        defer {
            progress.cancel()
            report.close()
        }
        let original = configuration.original
        report.say(
            "\(original.directory) failed with \(configuration.failure) at "
                + "\(DurationSyntax.formatMilliseconds(configuration.failureLoopTime)) after "
                + "\(Self.decisions(original.entries.count)); "
                + "budget \(DurationSyntax.format(configuration.budget)), "
                + "\(configuration.jobs) job\(configuration.jobs == 1 ? "" : "s")"
        )
        await search()
        guard let best else {
            try? FileManager.default.removeItem(atPath: runner.directory)
            let why =
                if let broken {
                    "a replay could not run: \(broken)"
                } else if Task.isCancelled {
                    "interrupted before the failure reproduced"
                } else if ContinuousClock.now >= deadline {
                    "the budget ran out before the failure reproduced; give a larger --budget"
                } else {
                    "the failure does not reproduce in a replay (\(tried) tried); see "
                        + "\(configuration.outputDirectory)/shrink.log"
                }
            report.say(why)
            return Task.isCancelled ? .interrupted : .notReproduced
        }
        return finish(best)
    }

    private func search() async {
        let original = configuration.original
        let everything = ShrinkCandidate.consistent(
            Array(original.entries.indices),
            of: original.entries,
            replicaCount: original.summary.configuration.replicaCount
        )
        var duration = min(
            original.testDuration,
            Self.duration(after: configuration.failureLoopTime)
        )
        var verdict = await test([ShrinkCandidate(decisions: everything, duration: duration)])
        if verdict == .passes && duration < original.testDuration {
            duration = original.testDuration
            verdict = await test([ShrinkCandidate(decisions: everything, duration: duration)])
        }
        guard case .fails = verdict else { return }
        if !everything.isEmpty {
            guard await test([ShrinkCandidate(decisions: [], duration: duration)]) != .stopped
            else { return }
        }
        if let decisions = best?.candidate.decisions, decisions.count >= 2 {
            _ = await DeltaDebugging.minimize(decisions) { subsets in
                await self.test(subsets.map { ShrinkCandidate(decisions: $0, duration: duration) })
            }
        }
        if let best, let failure = best.verdictLoopTime,
            Self.duration(after: failure) < best.candidate.duration
        {
            let shorter = Self.duration(after: failure)
            _ = await test([ShrinkCandidate(decisions: best.candidate.decisions, duration: shorter)]
            )
        }
    }

    /// Runs `candidates` (made consistent, without repeats or candidates tried before), up to
    /// --jobs at a time in order, until one fails the same way: that one becomes the best and
    /// the others are stopped.
    private func test(_ candidates: [ShrinkCandidate]) async -> DeltaDebuggingVerdict {
        let original = configuration.original
        var pending: [ShrinkCandidate] = []
        for candidate in candidates {
            var consistent = candidate
            consistent.decisions = ShrinkCandidate.consistent(
                candidate.decisions,
                of: original.entries,
                replicaCount: original.summary.configuration.replicaCount
            )
            if results[consistent] == nil && !pending.contains(consistent) {
                pending.append(consistent)
            }
        }
        guard !pending.isEmpty else { return .passes }
        return await withTaskGroup(of: (Int, ShrinkCandidate, CandidateOutcome).self) { group in
            var next = 0
            func startNext() {
                guard next < pending.count, ContinuousClock.now < deadline, !Task.isCancelled
                else { return }
                let candidate = pending[next]
                next += 1
                tried += 1
                let number = tried
                report.update {
                    $0.tried = number
                    $0.running += 1
                }
                group.addTask { [runner, deadline] in
                    let outcome = await runner.run(candidate, number: number, deadline: deadline)
                    return (number, candidate, outcome)
                }
            }
            for _ in 0..<configuration.jobs { startNext() }
            var verdict = DeltaDebuggingVerdict.passes
            var unjudged = false
            // Bounded by `pending`: each result is one started candidate.
            while let result = await group.next() {
                let (number, candidate, outcome) = result
                report.update { $0.running -= 1 }
                if outcome == .stopped { unjudged = true }
                if record(candidate, number: number, outcome: outcome) && verdict == .passes {
                    adopt(candidate, number: number, outcome: outcome)
                    verdict = .fails(candidate.decisions)
                    group.cancelAll()
                } else {
                    runner.discard(number)
                }
                if case .broken(let line) = outcome {
                    broken = broken ?? line
                    group.cancelAll()
                }
                if verdict == .passes && broken == nil { startNext() }
            }
            // Candidates not run or stopped before their verdict leave the batch undecided.
            if verdict == .passes && (next < pending.count || unjudged || broken != nil) {
                stoppedEarly = true
                return .stopped
            }
            return verdict
        }
    }

    /// Logs a candidate's outcome and remembers it; returns whether it failed the same way.
    private func record(
        _ candidate: ShrinkCandidate,
        number: Int,
        outcome: CandidateOutcome
    ) -> Bool {
        let size =
            "\(Self.decisions(candidate.decisions.count)), "
            + DurationSyntax.format(candidate.duration)
        switch outcome {
        case .stopped:
            report.log("candidate \(number): \(size): stopped")
            return false
        case .broken(let line):
            report.log("candidate \(number): \(size): could not run: \(line)")
            return false
        case .ended(let signature, let loopTime):
            let same = signature == configuration.failure
            results[candidate] = same
            let at = loopTime.map { " at \(DurationSyntax.formatMilliseconds($0))" } ?? ""
            let how = same ? "fails the same way" : "ends with \(signature)"
            report.log("candidate \(number): \(size): \(how)\(at)")
            return same
        }
    }

    /// Makes a candidate that failed the same way the best (keeping its files, dropping the
    /// previous best's).
    private func adopt(_ candidate: ShrinkCandidate, number: Int, outcome: CandidateOutcome) {
        guard case .ended(_, let loopTime) = outcome else { return }
        if let previous = best { runner.discard(previous.number) }
        best = Best(candidate: candidate, number: number, verdictLoopTime: loopTime)
        report.update {
            $0.faultsLeft = candidate.decisions.count
            $0.bestDuration = candidate.duration
        }
        report.say(
            "candidate \(number): \(Self.decisions(candidate.decisions.count)), "
                + "\(DurationSyntax.format(candidate.duration)): kept"
        )
    }

    private func finish(_ best: Best) -> ShrinkOutcome {
        let output = configuration.outputDirectory
        let original = configuration.original
        let schedule = "\(output)/faults.jsonl"
        do {
            try CandidateRunner.writeSchedule(
                best.candidate.decisions.map { original.entries[$0] },
                to: schedule
            )
        } catch {
            report.say("cannot write \(schedule): \(error)")
            return .notReproduced
        }
        try? FileManager.default.moveItem(
            atPath: runner.outputDirectory(best.number),
            toPath: "\(output)/replay"
        )
        try? FileManager.default.removeItem(atPath: runner.directory)
        let elapsed = ContinuousClock.now - started
        let complete = !stoppedEarly
        report.say(
            "\(Self.decisions(best.candidate.decisions.count)) (of \(original.entries.count)), "
                + "\(DurationSyntax.format(best.candidate.duration)) "
                + "(of \(DurationSyntax.format(original.testDuration))), \(tried) candidates in "
                + "\(DurationSyntax.formatMilliseconds(elapsed))"
                + (complete ? "" : "; stopped early: the schedule may not be minimal")
        )
        report.say("smallest schedule: \(schedule)")
        let command = [
            commandName, "replay", original.directory, "--schedule", schedule, "--test-duration",
            DurationSyntax.format(best.candidate.duration),
        ]
        let line = command.map(Self.shellQuoted).joined(separator: " ")
        report.log(line)
        report.printLine(line)
        return Task.isCancelled ? .interrupted : .written
    }

    /// `1 decision`, `3 decisions`.
    private static func decisions(_ count: Int) -> String {
        count == 1 ? "1 decision" : "\(count) decisions"
    }

    private static func shellQuoted(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "/._-=:,+@".contains($0) }
        if plain && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
