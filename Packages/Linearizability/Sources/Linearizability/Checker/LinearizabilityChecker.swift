// The checker's front door: a history is checked key by key (keys are independent registers,
// so by P-compositionality each is checked alone), each key by LinearizationSearch, and each
// violation explained (Explanation/) unless the caller only wants the verdict.

/// Checks histories of independent integer registers for linearizability.
public struct LinearizabilityChecker: Sendable {
    /// The effort allowed per key (the deadline applies to the whole history).
    public var limits: CheckLimits
    /// Whether violations get a minimal explanation (costs more checks of the violating key).
    public var explainsViolations: Bool

    /// A checker with these limits.
    public init(limits: CheckLimits = CheckLimits(), explainsViolations: Bool = true) {
        self.limits = limits
        self.explainsViolations = explainsViolations
    }

    /// Checks every key of `history`.
    public func check(_ history: History) -> HistoryCheck {
        var byKey: [Int: [RegisterOperation]] = [:]
        for operation in history.operations {
            byKey[operation.key, default: []].append(operation)
        }
        return HistoryCheck(
            keys: byKey.keys.sorted().map { key in
                check(key: key, operations: byKey[key] ?? [])
            }
        )
    }

    /// Checks one key's operations (those of other keys are ignored).
    public func check(key: Int, operations: [RegisterOperation]) -> KeyCheck {
        let own = operations.filter { $0.key == key }
        if let unexplained = UnwrittenObservation.first(in: own) {
            return KeyCheck(
                key: key,
                verdict: .notLinearizable,
                unknownReason: nil,
                exploredStates: 0,
                checkedOperationCount: own.filter(ViolationMinimizer.constrains).count,
                violation: Violation(
                    key: key,
                    linearizedPrefix: [],
                    blocked: [unexplained],
                    minimal: [unexplained],
                    minimalIsComplete: true
                )
            )
        }
        let compiled = CompiledKey(own)
        var search = LinearizationSearch(compiled, limits: limits)
        let outcome = search.run()
        var result = KeyCheck(
            key: key,
            verdict: .linearizable,
            unknownReason: nil,
            exploredStates: search.exploredStates,
            checkedOperationCount: compiled.operations.count,
            violation: nil
        )
        switch outcome {
        case .linearizable:
            break
        case .exhausted(let reason):
            result.verdict = .unknown
            result.unknownReason = reason
        case .violation(let prefix, let blocked):
            result.verdict = .notLinearizable
            var violation = Violation(
                key: key,
                linearizedPrefix: prefix.map { compiled.sourceIDs[$0] },
                blocked: [compiled.sourceIDs[blocked]],
                minimal: [],
                minimalIsComplete: false
            )
            if explainsViolations {
                ViolationMinimizer(limits: limits).minimize(&violation, operations: own)
            }
            result.violation = violation
        }
        return result
    }

    /// Only the verdict on operations of one key (a precondition), without explanation.
    public func verdict(of operations: [RegisterOperation]) -> Verdict {
        if UnwrittenObservation.first(in: operations) != nil { return .notLinearizable }
        var search = LinearizationSearch(CompiledKey(operations), limits: limits)
        switch search.run() {
        case .linearizable: return .linearizable
        case .violation: return .notLinearizable
        case .exhausted: return .unknown
        }
    }
}
