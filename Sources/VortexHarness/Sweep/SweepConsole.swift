// What `vortex sweep` prints: a line per finished seed, a live progress bar on a terminal (done,
// failing, running, ETA; rewritten in place, absent when standard output is a file or a pipe), and
// at the end a table of the seeds by verdict with each failure's reason, message and reproduce
// command. The texts are pure functions (tested); SweepConsole only writes them.

import Foundation
import Synchronization

/// Texts of the sweep's console output.
public enum SweepText {
    /// `sweep [#####.........] 5/20 done · 1 failing · 2 running · ETA 3m10s`.
    public static func progressLine(
        done: Int,
        failing: Int,
        running: Int,
        total: Int,
        elapsedSeconds: Double,
        barWidth: Int = 24
    ) -> String {
        precondition(total >= 1 && done <= total, "done within the total")
        let filled = done * barWidth / total
        let bar =
            String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled)
        var line = "sweep [\(bar)] \(done)/\(total) done · \(failing) failing · \(running) running"
        if done == 0 {
            line += " · \(clock(elapsedSeconds)) so far"
        } else if done < total {
            let remaining = elapsedSeconds / Double(done) * Double(total - done)
            line += " · ETA \(clock(remaining))"
        } else if done == total {
            line += " · took \(clock(elapsedSeconds))"
        }
        return line
    }

    /// `seed 5: FAIL reason=liveness code=17 (12.3s) seed-5/report.html`.
    public static func finishedLine(_ record: SweepRunRecord) -> String {
        let verdict = (record.verdict ?? "fail").uppercased()
        var line = "seed \(record.seed): \(verdict) reason=\(record.reason ?? "unknown")"
        line += " code=\(record.exitCode.map(String.init) ?? "?")"
        if let seconds = record.elapsedSeconds { line += " (\(clock(seconds)))" }
        if let report = record.report { line += " \(report)" }
        return line
    }

    /// The closing table: seeds by verdict, then each seed that did not pass with its reason,
    /// message, directory and reproduce command, then where sweep.json and index.html are.
    public static func table(_ document: SweepDocument, directory: String) -> String {
        let counts = document.counts
        var lines = [
            "vortex sweep: seeds \(document.seeds): \(counts.pass) pass, \(counts.fail) fail, "
                + "\(counts.indeterminate) indeterminate, \(counts.unfinished) without a verdict "
                + "(\(document.state.rawValue), \(clock(document.elapsedSeconds)))"
        ]
        let groups: [(String, (SweepRunRecord) -> Bool)] = [
            ("pass", { $0.status == .finished && $0.verdict == "pass" }),
            ("fail", { $0.status == .finished && $0.verdict == "fail" }),
            ("indeterminate", { $0.status == .finished && $0.verdict == "indeterminate" }),
            ("not run", { $0.status != .finished }),
        ]
        for (name, belongs) in groups {
            let seeds = document.runs.filter(belongs).map(\.seed)
            guard !seeds.isEmpty else { continue }
            lines.append(
                "  \(name.padding(toLength: 14, withPad: " ", startingAt: 0))\(ranges(seeds))"
            )
        }
        for record in document.runs
        where record.status == .finished && record.verdict != "pass" {
            lines.append(
                "  seed \(record.seed): \(record.reason ?? "unknown") (exit "
                    + "\(record.exitCode.map(String.init) ?? "?")): \(record.message ?? "")"
            )
            if let output = record.output { lines.append("      output: \(directory)/\(output)") }
            lines.append("      reproduce: \(record.reproduce)")
        }
        lines.append("  sweep.json: \(directory)/sweep.json")
        lines.append("  index.html: \(directory)/index.html")
        return lines.joined(separator: "\n")
    }

    /// `1-4, 6, 9-10`: sorted seeds as ranges.
    public static func ranges(_ seeds: [UInt64]) -> String {
        var parts: [String] = []
        var current: (first: UInt64, last: UInt64)?
        func close(_ range: (first: UInt64, last: UInt64)) {
            parts.append(
                range.first == range.last ? "\(range.first)" : "\(range.first)-\(range.last)"
            )
        }
        for seed in seeds.sorted() {
            if let range = current, range.last < UInt64.max, seed == range.last + 1 {
                current = (range.first, seed)
                continue
            }
            if let range = current { close(range) }
            current = (seed, seed)
        }
        if let range = current { close(range) }
        return parts.joined(separator: ", ")
    }

    /// `42s`, `3m10s`, `2h05m`.
    public static func clock(_ seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded()))
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        if total < 60 { return "\(total)s" }
        if total < 3_600 { return "\(total / 60)m\(twoDigits(total % 60))s" }
        return "\(total / 3_600)h\(twoDigits(total / 60 % 60))m"
    }
}

/// Writes the sweep's console output; the progress bar only on a terminal.
final class SweepConsole: Sendable {
    private let isTerminal: Bool
    private let barShown = Mutex(false)

    init(isTerminal: Bool = isatty(1) == 1) {
        self.isTerminal = isTerminal
    }

    /// Prints a line above the progress bar.
    func line(_ text: String) {
        barShown.withLock { shown in
            write((shown ? "\r\u{1B}[K" : "") + text + "\n")
            shown = false
        }
    }

    /// Redraws the progress bar (terminals only).
    func progress(_ text: String) {
        guard isTerminal else { return }
        barShown.withLock { shown in
            write("\r\u{1B}[K" + text)
            shown = true
        }
    }

    /// Erases the progress bar.
    func clearProgress() {
        barShown.withLock { shown in
            if shown { write("\r\u{1B}[K") }
            shown = false
        }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
