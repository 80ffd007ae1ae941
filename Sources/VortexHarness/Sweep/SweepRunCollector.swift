// Turns one finished run of a sweep into its sweep.json record, whichever engine ran it: reads the
// run's summary.json (or, when the run never wrote one, its exit status and the last line it
// printed), then prunes what a pass does not need. A failing or indeterminate run keeps its whole
// directory and console file; a pass keeps report.html and summary.json (so index.html can link
// it) unless the sweep keeps everything.

import Foundation

/// Reads and prunes the output of one run of a sweep.
public enum SweepRunCollector {
    /// What a pass keeps of its directory.
    static let keptAfterPass: Set<String> = [RunReportWriter.fileName, "summary.json"]

    /// How a run's process ended, as far as the sweep saw it.
    public enum ProcessEnding: Sendable, Hashable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal ended it (named, e.g. `SIGKILL`): it wrote no verdict of its own.
        case killed(String)
        /// Not seen (a Slurm task, or runs another scheduler made).
        case unknown
    }

    /// The record of `seed` once its run has ended as `ending`.
    public static func collect(
        seed: UInt64,
        ending: ProcessEnding,
        configuration: SweepConfiguration,
        record: SweepRunRecord
    ) -> SweepRunRecord {
        var record = record
        let directory = configuration.runDirectory(seed: seed)
        let console = configuration.consoleFile(seed: seed)
        let relative = "seed-\(seed)"
        record.status = .finished
        guard
            let data = FileManager.default.contents(atPath: "\(directory)/summary.json"),
            let summary = try? JSONDecoder().decode(RunSummary.self, from: data)
        else {
            let said = lastLine(of: console).map { "; the run said: \($0)" } ?? ""
            switch ending {
            case .exited(let status):
                record.exitCode = status
                record.verdict = (RunOutcome.verdict(ofCode: status) ?? .fail).rawValue
                record.reason = RunOutcome(uniqueCode: status)?.description ?? "exit-\(status)"
                record.message = "exited with status \(status) without a summary.json\(said)"
            case .killed(let signal):
                record.verdict = RunOutcome.Verdict.indeterminate.rawValue
                record.reason = "killed"
                record.message = "killed by \(signal) before it wrote a summary.json\(said)"
            case .unknown:
                record.verdict = RunOutcome.Verdict.fail.rawValue
                record.reason = "no-summary"
                record.message = "no summary.json\(said)"
            }
            let exists = FileManager.default.fileExists(atPath: directory)
            record.output = exists ? relative : nil
            record.kept = exists ? "all" : "none"
            return record
        }
        record.verdict = summary.verdict
        record.reproduce = ReproduceCommand.line(
            commandLine: summary.configuration.commandLine,
            seed: summary.seed,
            target: summary.configuration.target
        )
        record.reason = summary.reason
        record.exitCode = summary.exitCode
        record.message = summary.message
        record.requests = summary.requests.values.reduce(0, +)
        record.elapsedSeconds = summary.elapsedSeconds
        record.output = relative
        let hasReport = FileManager.default.fileExists(
            atPath: "\(directory)/\(RunReportWriter.fileName)"
        )
        record.report = hasReport ? "\(relative)/\(RunReportWriter.fileName)" : nil
        record.kept = "all"
        if summary.verdict == RunOutcome.Verdict.pass.rawValue && !configuration.keepOutput {
            prune(directory)
            try? FileManager.default.removeItem(atPath: console)
            record.kept = "report"
        }
        return record
    }

    /// Removes everything of a passing run's directory but report.html and summary.json.
    private static func prune(_ directory: String) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for entry in entries where !keptAfterPass.contains(entry) {
            try? FileManager.default.removeItem(atPath: "\(directory)/\(entry)")
        }
    }

    /// The last non-empty line of a file (at most its last 64 KiB are read).
    static func lastLine(of path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 65_536 ? size - 65_536 : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).last.map {
            String($0.trimmingCharacters(in: .whitespaces).prefix(400))
        }
    }
}
