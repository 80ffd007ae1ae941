// `vortex check`: checks a recorded register history (history.jsonl, or a Jepsen register log)
// for linearizability with the Linearizability package, prints one line per key that is not
// linearizable and a summary, and can draw the anomaly as a self-contained HTML page. Bad input
// (a missing file, a malformed line) is one line on stderr and exit 2, through Vortex.main.

import ArgumentParser
import Foundation
import Linearizability

/// `vortex check FILE`: exits 0 linearizable, 13 not linearizable, 1 undecided, 2 bad input.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a recorded register history for linearizability.",
        usage: "vortex check <file> [--format <format>] [--visual <file>] [<options>]",
        discussion: """
            Each key is an independent register and is checked alone. Prints one line per key \
            that is not linearizable (a minimal set of its operations that cannot be ordered) and \
            a summary line. Exit codes: 0 linearizable, 13 not linearizable, 1 undecided (a key \
            reached --max-states or --time-limit), 2 bad input (one line on stderr naming the file \
            and line). Format: docs/linearizability.md.
            """
    )

    /// Exit code of a history that is not linearizable (the same as a failed run's model check).
    static let notLinearizableExitCode: Int32 = 13
    /// Exit code when the effort bound left a key undecided.
    static let undecidedExitCode: Int32 = 1

    @Argument(help: "The history: history.jsonl (vortex), a Jepsen register log or EDN history.")
    var file: String

    @Option(
        help: """
            auto (the format the file shows), vortex (history.jsonl), jepsen (jepsen.util \
            register log lines) or edn (Jepsen's history.edn, Knossos's data files).
            """
    )
    var format = Self.autoFormat

    /// The --format value that reads the format off the file.
    static let autoFormat = "auto"

    @Option(help: "Write the anomaly as a self-contained HTML page to this file.")
    var visual: String?

    @Option(help: "Most configurations one key's search may store before giving up.")
    var maxStates = 4_000_000

    @Option(help: "Seconds the whole check may take before giving up.")
    var timeLimit = 300.0

    func validate() throws {
        guard format == Self.autoFormat || HistoryFormat(rawValue: format) != nil else {
            throw ValidationError(
                "--format must be auto, vortex, jepsen or edn, not '\(format)'"
            )
        }
        guard maxStates > 0 else { throw ValidationError("--max-states must be positive") }
        guard timeLimit > 0 else { throw ValidationError("--time-limit must be positive") }
    }

    func run() throws {
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
        switch check.verdict {
        case .linearizable: return
        case .notLinearizable: throw ExitCode(Self.notLinearizableExitCode)
        case .unknown: throw ExitCode(Self.undecidedExitCode)
        }
    }

    /// `write 7 by process 2 at 1234–1300 µs (line 5)`.
    private static func describe(_ operation: RegisterOperation) -> String {
        let end = operation.completeTimeUs.map(String.init) ?? "…"
        let line = operation.invokeLine > 0 ? " (line \(operation.invokeLine))" : ""
        return
            "\(operation.label) by process \(operation.process) at \(operation.invokeTimeUs)–\(end)\(line)"
    }
}
