// What `vortex shrink` tells its user while it searches: `<output>/shrink.log` gets one line per
// candidate (its size, duration and how it ended); standard output gets the start, every kept
// candidate and the result; on a terminal a progress line (elapsed / budget, candidates tried and
// running, faults left, best duration) is rewritten in place every 250 ms, as a run's is.

import Foundation
import Synchronization

/// The state the progress line shows.
struct ShrinkStatus: Sendable, Hashable {
    /// Candidates started so far.
    var tried = 0
    /// Candidates running now.
    var running = 0
    /// Decisions in the smallest failing schedule so far.
    var faultsLeft: Int
    /// Decisions in the original schedule.
    var faultsOriginal: Int
    /// The duration of the smallest failing schedule so far.
    var bestDuration: Duration

    /// `vortex shrink 1:02/1:00:00 candidates=7 running=2 faults=5/23 duration=4s200ms`.
    func render(elapsed: Duration, budget: Duration) -> String {
        "vortex shrink \(ProgressSnapshot.clock(elapsed))/\(ProgressSnapshot.clock(budget)) "
            + "candidates=\(tried) running=\(running) faults=\(faultsLeft)/\(faultsOriginal) "
            + "duration=\(DurationSyntax.formatMilliseconds(bestDuration))"
    }
}

/// The shrink's log file, console lines and progress line.
final class ShrinkReport: Sendable {
    /// Time between progress-line updates on a terminal.
    static let progressInterval = Duration.milliseconds(250)

    private let status: Mutex<ShrinkStatus>
    private let logFile: FileHandle?
    private let showsProgress: Bool
    private let progressShown = Mutex(false)

    /// A report writing `<output>/shrink.log`, starting from `status`.
    init(outputDirectory: String, status: ShrinkStatus) {
        self.status = Mutex(status)
        let path = "\(outputDirectory)/shrink.log"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        logFile = FileHandle(forWritingAtPath: path)
        showsProgress = isatty(1) == 1
    }

    /// Changes the status.
    func update(_ change: (inout ShrinkStatus) -> Void) {
        status.withLock { change(&$0) }
    }

    /// Appends a line to shrink.log.
    func log(_ line: String) {
        try? logFile?.write(contentsOf: Data("\(line)\n".utf8))
    }

    /// Prints `vortex: shrink: <line>` (clearing the progress line) and logs it.
    func say(_ line: String) {
        log(line)
        printLine("vortex: shrink: \(line)")
    }

    /// Prints `line` as it is (clearing the progress line).
    func printLine(_ line: String) {
        progressShown.withLock { shown in
            if shown { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
            shown = false
            FileHandle.standardOutput.write(Data("\(line)\n".utf8))
        }
    }

    /// Rewrites the progress line until cancelled (only on a terminal).
    func showProgress(startedAt start: ContinuousClock.Instant, budget: Duration) async {
        guard showsProgress else { return }
        // Ends when the task is cancelled: each sleep throws then.
        while !Task.isCancelled {
            let line = status.withLock { $0 }.render(elapsed: .now - start, budget: budget)
            progressShown.withLock { shown in
                FileHandle.standardOutput.write(Data("\r\u{1B}[K\(line)".utf8))
                shown = true
            }
            try? await Task.sleep(for: Self.progressInterval)
        }
    }

    /// Erases the progress line and closes shrink.log.
    func close() {
        progressShown.withLock { shown in
            if shown { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
            shown = false
        }
        try? logFile?.close()
    }
}
