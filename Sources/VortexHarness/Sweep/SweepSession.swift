// What both engines of `vortex sweep` share: the sweep's directory, its sweep.json document kept
// current on disk after every change, the console (a line per finished seed, the progress bar),
// and the end: index.html, the table, and the exit code (SweepOutcome).

import Foundation
import Synchronization

/// How a sweep ends; the process exits with ``code``.
public enum SweepOutcome: Int32, Sendable, Hashable, CaseIterable {
    /// Every seed passed.
    case allPassed = 0
    /// At least one seed failed, was indeterminate or never ran.
    case notAllPassed = 1
    /// Bad flags, an unreachable Slurm, …: nothing was started.
    case usage = 2
    /// Stopped by SIGINT or SIGTERM; every run it had started was stopped in order.
    case interrupted = 143

    /// The exit code.
    public var code: Int32 { rawValue }

    /// The exit-code sentence of `vortex sweep --help`.
    public static let helpSentence =
        "Exit codes: 0 every seed passed, 1 a seed failed, was indeterminate or did not run, "
        + "2 bad flags or an unreachable Slurm (nothing started), 143 interrupted."
}

/// The state of one sweep while it runs.
final class SweepSession: Sendable {
    let configuration: SweepConfiguration
    let console: SweepConsole
    private let startedAt: ContinuousClock.Instant
    private let document: Mutex<SweepDocument>
    private let isFinished = Atomic<Bool>(false)

    /// Creates the sweep's directory and writes the first sweep.json (every seed not started);
    /// `collecting` names the engine `collected` (runs another scheduler made).
    init(
        _ configuration: SweepConfiguration,
        collecting: Bool = false,
        console: SweepConsole = SweepConsole()
    ) throws {
        self.configuration = configuration
        self.console = console
        startedAt = .now
        var initial = SweepDocument(configuration, startedAt: Date())
        if collecting { initial.engine = "collected" }
        document = Mutex(initial)
        try FileManager.default.createDirectory(
            atPath: configuration.outputDirectory,
            withIntermediateDirectories: true
        )
        try save()
    }

    /// The document as it stands.
    var current: SweepDocument { document.withLock { $0 } }

    /// Seconds since the sweep started.
    var elapsedSeconds: Double {
        let (seconds, attoseconds) = (ContinuousClock.now - startedAt).components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Changes the record of `seed` and saves sweep.json.
    func update(seed: UInt64, _ change: (inout SweepRunRecord) -> Void) {
        document.withLock { document in
            guard var record = document[seed: seed] else { return }
            change(&record)
            document[seed: seed] = record
        }
        try? save()
        showProgress()
    }

    /// Records the Slurm job id.
    func setSlurmJob(_ identifier: String) {
        document.withLock { $0.slurmJobId = identifier }
        try? save()
    }

    /// Records a finished seed, prints its line and saves sweep.json.
    func finished(_ record: SweepRunRecord) {
        update(seed: record.seed) { $0 = record }
        console.line(SweepText.finishedLine(record))
        showProgress()
    }

    /// Redraws the progress bar (until the sweep has finished).
    func showProgress() {
        guard !isFinished.load(ordering: .acquiring) else { return }
        let document = current
        let done = document.runs.filter { $0.status == .finished }.count
        let failing = document.counts.fail + document.counts.indeterminate
        let running = document.runs.filter { $0.status == .running }.count
        console.progress(
            SweepText.progressLine(
                done: done,
                failing: failing,
                running: running,
                total: document.runs.count,
                elapsedSeconds: elapsedSeconds
            )
        )
    }

    /// Ends the sweep: the final sweep.json and index.html, the table; returns the exit code.
    func finish(interrupted: Bool) -> SweepOutcome {
        isFinished.store(true, ordering: .releasing)
        let final = document.withLock { document in
            document.state = interrupted ? .interrupted : .complete
            document.elapsedSeconds = elapsedSeconds
            document.recount()
            return document
        }
        try? save()
        let index = "\(configuration.outputDirectory)/index.html"
        try? Data(SweepIndexPage.html(final).utf8).write(to: URL(fileURLWithPath: index))
        console.clearProgress()
        console.line(SweepText.table(final, directory: configuration.outputDirectory))
        if interrupted { return .interrupted }
        return final.counts.pass == final.runs.count ? .allPassed : .notAllPassed
    }

    /// Writes sweep.json; under the lock, so concurrent saves land in order.
    /// Redraws the progress bar every second (its ETA and times move between events) until
    /// the task is cancelled.
    func tickProgress() async {
        // Ends when the task is cancelled: each sleep then returns at once.
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            showProgress()
        }
    }

    private func save() throws {
        let elapsed = elapsedSeconds
        try document.withLock { document in
            document.elapsedSeconds = elapsed
            try document.write(to: configuration.outputDirectory)
        }
    }
}
