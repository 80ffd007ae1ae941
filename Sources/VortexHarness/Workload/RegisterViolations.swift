// What a register run says about a key that is not linearizable: one line naming the key and the
// smallest set of its operations that cannot be ordered (for vortex.log and the verdict), the
// same set in summary.json, and anomaly.html (AnomalyPage) in the output directory, drawn from
// every violating key found so far and rewritten when another one is found.

import Foundation
import Linearizability
import Synchronization

/// One operation of a violation, as summary.json shows it.
public struct RegisterOperationSummary: Sendable, Hashable, Codable {
    /// The client process that ran it.
    public var process: Int
    /// What it did and saw: `write 7`, `read → 3`, `cas 3→4`, `?` unknown, `✗` failed.
    public var operation: String
    /// When it was invoked (µs on the run's clock).
    public var invokeTimeUs: Int64
    /// When it completed; absent when its outcome is unknown.
    public var completeTimeUs: Int64?
    /// The line of its invocation in history.jsonl.
    public var line: Int
}

/// A key that is not linearizable, as summary.json shows it.
public struct RegisterViolationSummary: Sendable, Hashable, Codable {
    /// The key.
    public var key: Int
    /// The smallest set of the key's operations that cannot be ordered.
    public var operations: [RegisterOperationSummary]
    /// False when the minimisation stopped at its effort bound (the set may not be minimal).
    public var minimal: Bool
}

/// The violations a register run found, and their outputs.
final class RegisterViolations: Sendable {
    private struct State {
        /// The operations of every violating key, in the order found.
        var operations: [RegisterOperation] = []
        var summaries: [RegisterViolationSummary] = []
    }
    private let state = Mutex(State())
    private let pagePath: String

    /// Violations whose page goes to `pagePath` (anomaly.html).
    init(pagePath: String) {
        self.pagePath = pagePath
    }

    /// Records `check` (not linearizable) of `operations`; returns the line for the log and the
    /// verdict. Writes anomaly.html.
    func record(_ check: KeyCheck, operations: [RegisterOperation]) -> String {
        guard let violation = check.violation else {
            preconditionFailure("a violation is recorded for a key that is not linearizable")
        }
        let byID = Dictionary(uniqueKeysWithValues: operations.map { ($0.id, $0) })
        let minimal = violation.minimal.isEmpty ? violation.blocked : violation.minimal
        let chosen = minimal.compactMap { byID[$0] }
        let summary = RegisterViolationSummary(
            key: check.key,
            operations: chosen.map(Self.summary),
            minimal: violation.minimalIsComplete
        )
        let union = state.withLock { state in
            state.summaries.append(summary)
            state.operations += operations
            return state.operations
        }
        writePage(union)
        return "register key \(check.key) is not linearizable: these \(chosen.count) operations "
            + "cannot be ordered: " + chosen.map(Self.describe).joined(separator: "; ")
            + " (history.jsonl; drawn in anomaly.html)"
    }

    /// The violations found, in order.
    var summaries: [RegisterViolationSummary] { state.withLock { $0.summaries } }

    /// `write 7 by process 2 at 1234–1300 µs (line 5)`.
    static func describe(_ operation: RegisterOperation) -> String {
        let end = operation.completeTimeUs.map(String.init) ?? "…"
        return "\(operation.label) by process \(operation.process) at "
            + "\(operation.invokeTimeUs)–\(end) µs (line \(operation.invokeLine))"
    }

    private static func summary(_ operation: RegisterOperation) -> RegisterOperationSummary {
        RegisterOperationSummary(
            process: operation.process,
            operation: operation.label,
            invokeTimeUs: operation.invokeTimeUs,
            completeTimeUs: operation.completeTimeUs,
            line: operation.invokeLine
        )
    }

    /// Draws every violating key: checks them again as one history (ids renumbered), which
    /// gives the page its own consistent evidence.
    private func writePage(_ operations: [RegisterOperation]) {
        let history = History(operations: operations, source: "history.jsonl")
        let check = LinearizabilityChecker(
            limits: .within(
                RegisterCheckQueue.keyCheckTimeLimit,
                maximumExploredStates: RegisterCheckQueue.exploredStatesMax
            )
        ).check(history)
        try? AnomalyPage.render(history, check).write(
            toFile: pagePath,
            atomically: true,
            encoding: .utf8
        )
    }
}
