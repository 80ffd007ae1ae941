// `vortex check`: checks recorded register histories (history.jsonl, Jepsen register logs, EDN
// histories) for linearizability with the Linearizability package, prints one line per key that
// is not linearizable and a summary per file, and can draw one history's anomaly as a
// self-contained HTML page. Bad input (a missing file, a malformed line) is one line on stderr
// and exit 2: through Vortex.main for one file; with several, the others are still checked.

import ArgumentParser
import Foundation
import Linearizability
import VortexHarness

/// `vortex check FILE...`: exits 0 linearizable, 13 not linearizable, 1 undecided, 2 bad input
/// (the first of these that any file has, in the order 2, 13, 1, 0).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a recorded register history for linearizability.",
        usage: "vortex check <file>... [--format <format>] [<options>]",
        discussion: """
            Each key is an independent register and is checked alone. Prints one line per key \
            that is not linearizable (a minimal set of its operations that cannot be ordered) and \
            a summary line per file, then one for all of them when there are several. Exit codes: \
            0 linearizable, 13 not linearizable, 1 undecided (a key reached --max-states or \
            --time-limit), 2 bad input (one line on stderr naming the file and line); with \
            several files, the first of 2, 13, 1 that any has. Format: docs/linearizability.md.
            """
    )

    /// Exit code of a history that is not linearizable: a run's `not-linearizable` code.
    static let notLinearizableExitCode = RunOutcome.notLinearizable.code
    /// Exit code when the effort bound left a key undecided.
    static let undecidedExitCode: Int32 = 1

    @Argument(help: "Histories: history.jsonl (vortex), Jepsen register logs or EDN histories.")
    var files: [String] = []

    @Option(
        help: """
            auto (the format the file shows), vortex (history.jsonl), jepsen (jepsen.util \
            register log lines) or edn (Jepsen's history.edn, Knossos's data files).
            """
    )
    var format = Self.autoFormat

    /// The --format value that reads the format off the file.
    static let autoFormat = "auto"

    @Option(help: "Write the anomaly of one history as a self-contained HTML page to this file.")
    var visual: String?

    @Option(help: "Most configurations one key's search may store before giving up.")
    var maxStates = 4_000_000

    @Option(help: "Seconds the check of one file may take before giving up.")
    var timeLimit = 300.0

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give a history file to check") }
        guard visual == nil || files.count == 1 else {
            throw ValidationError("--visual draws one history: give one file with it")
        }
        guard format == Self.autoFormat || HistoryFormat(rawValue: format) != nil else {
            throw ValidationError(
                "--format must be auto, vortex, jepsen or edn, not '\(format)'"
            )
        }
        guard maxStates > 0 else { throw ValidationError("--max-states must be positive") }
        guard timeLimit > 0 else { throw ValidationError("--time-limit must be positive") }
    }

    func run() throws {
        guard files.count > 1 else {
            try Self.exit(with: try check(files[0]))
            return
        }
        var verdicts: [Verdict] = []
        var unreadable = 0
        for file in files {
            do {
                verdicts.append(try check(file))
            } catch {
                unreadable += 1
                FileHandle.standardError.write(Data("vortex: \(error)\n".utf8))
            }
        }
        let counts = Dictionary(grouping: verdicts, by: { $0 }).mapValues(\.count)
        print(
            "\(files.count) histories: \(counts[.linearizable] ?? 0) linearizable, "
                + "\(counts[.notLinearizable] ?? 0) not linearizable, "
                + "\(counts[.unknown] ?? 0) undecided, \(unreadable) unreadable"
        )
        guard unreadable == 0 else { throw ExitCode(RunOutcome.usage.code) }
        try Self.exit(
            with: verdicts.first { $0 == .notLinearizable } ?? verdicts.first { $0 == .unknown }
                ?? .linearizable
        )
    }

    /// Returns for a linearizable history; otherwise throws its exit code.
    private static func exit(with verdict: Verdict) throws {
        switch verdict {
        case .linearizable: return
        case .notLinearizable: throw ExitCode(Self.notLinearizableExitCode)
        case .unknown: throw ExitCode(Self.undecidedExitCode)
        }
    }

    /// Checks one file and prints what it found; draws its anomaly when --visual is given.
    /// - Throws: a one-line `ValidationError` for bad input.
    private func check(_ file: String) throws -> Verdict {
        let history: History
        do {
            history = try HistoryParser.load(path: file, format: HistoryFormat(rawValue: format))
        } catch {
            throw ValidationError(error.description)
        }
        let start = ContinuousClock.now
        let checker = LinearizabilityChecker(
            limits: .within(.seconds(timeLimit), maximumExploredStates: maxStates)
        )
        let check = checker.check(history)
        let elapsed = ContinuousClock.now - start
        let byID = Dictionary(uniqueKeysWithValues: history.operations.map { ($0.id, $0) })
        for keyCheck in check.keys {
            switch keyCheck.verdict {
            case .linearizable:
                continue
            case .unknown:
                print(
                    "key \(keyCheck.key): undecided: \(keyCheck.unknownReason ?? "limit reached")"
                )
            case .notLinearizable:
                let minimal = keyCheck.violation?.minimal ?? []
                let described = minimal.compactMap { byID[$0] }.map(Self.describe).joined(
                    separator: "; "
                )
                print(
                    "key \(keyCheck.key): not linearizable: these \(minimal.count) operations "
                        + "cannot be ordered: \(described)"
                )
            }
        }
        let milliseconds =
            Double(elapsed.components.attoseconds) / 1e15
            + Double(elapsed.components.seconds) * 1000
        print(
            "\(file): \(check.verdict.rawValue) (\(check.violations.count) of \(check.keys.count) "
                + "keys not linearizable, \(history.operations.count) operations, "
                + String(format: "%.1f ms)", milliseconds)
        )
        if let visual {
            do {
                try AnomalyPage.render(history, check).write(
                    toFile: visual,
                    atomically: true,
                    encoding: .utf8
                )
            } catch {
                throw ValidationError("cannot write \(visual): \(error.localizedDescription)")
            }
        }
        return check.verdict
    }

    /// `write 7 by process 2 at 1234–1300 µs (line 5)`.
    private static func describe(_ operation: RegisterOperation) -> String {
        let end = operation.completeTimeUs.map(String.init) ?? "…"
        let line = operation.invokeLine > 0 ? " (line \(operation.invokeLine))" : ""
        return
            "\(operation.label) by process \(operation.process) at \(operation.invokeTimeUs)–\(end)\(line)"
    }
}
