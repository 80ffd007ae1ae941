// Shrinks a violating key's history to a small subset that is still not linearizable: first the
// shortest violating prefix (bisection), then chunks of operations dropped, halving the chunk
// size down to one operation (delta debugging), while the rest stays non-linearizable. A subset
// is only tried when it keeps the writes its reads could have read from (WriterClosure), so that
// it is a faithful witness. Every check is bounded, and so is their number.

/// Minimises violations.
struct ViolationMinimizer {
    let limits: CheckLimits

    /// Most configurations each trial check may store.
    static let statesPerTrial = 200_000
    /// Most trial checks per violation.
    static let maximumTrials = 2_000
    /// Most configurations all trial checks of one violation may store together.
    static let maximumTotalStates = 4_000_000

    /// Fills `violation.minimal` from `operations` (the key's operations).
    func minimize(_ violation: inout Violation, operations: [RegisterOperation]) {
        let trialLimits = CheckLimits(
            maximumExploredStates: min(limits.maximumExploredStates, Self.statesPerTrial),
            maximumMemoryBytes: limits.maximumMemoryBytes,
            deadline: limits.deadline
        )
        let relevant = operations.filter { Self.constrains($0) }
        let closure = WriterClosure(relevant)
        var kept = relevant
        var trials = 0
        var trialGaveUp = false
        var spentStates = 0
        func withinBudget() -> Bool {
            trials < Self.maximumTrials && spentStates < Self.maximumTotalStates
        }
        func violates(_ candidate: [RegisterOperation]) -> Bool {
            trials += 1
            var search = LinearizationSearch(CompiledKey(candidate), limits: trialLimits)
            let outcome = search.run()
            spentStates += search.exploredStates
            switch outcome {
            case .violation: return true
            case .linearizable: return false
            case .exhausted:
                trialGaveUp = true
                return false
            }
        }

        // The shortest prefix (in invocation order) that still violates: a bisection, as the
        // anomaly usually sits well before the end of the history.
        kept.sort { ($0.invokeTimeUs, $0.id) < ($1.invokeTimeUs, $1.id) }
        var violatingCount = kept.count
        var lowerCount = 0  // prefixes this short or shorter are taken as linearizable
        while violatingCount - lowerCount > 1 && withinBudget() {
            let middle = (lowerCount + violatingCount) / 2
            let prefix = Array(kept[..<middle])
            if closure.holds(for: prefix) && violates(prefix) {
                violatingCount = middle
            } else {
                lowerCount = middle
            }
        }
        kept.removeLast(kept.count - violatingCount)

        // Then drop chunks, halving their size down to single operations (delta debugging),
        // later operations first, and repeat single drops until none can go. Each drop takes
        // along the operations that needed a dropped one as a writer.
        var chunkSize = max(1, kept.count / 2)
        var complete = false
        while withinBudget() {
            var changed = false
            var end = kept.count
            while end > 0 && withinBudget() {
                let start = max(0, end - chunkSize)
                let candidate = closure.removing(Set(kept[start..<end].map(\.id)), from: kept)
                if !candidate.isEmpty && violates(candidate) {
                    kept = candidate
                    changed = true
                }
                // Dependents before `start` may have gone too; the next pass sees what this skips.
                end = min(start, kept.count)
            }
            if chunkSize > 1 {
                chunkSize = max(1, chunkSize / 2)
                continue
            }
            if !changed {
                complete = !trialGaveUp
                break
            }
        }
        violation.minimal = kept.map(\.id).sorted()
        violation.minimalIsComplete = complete
    }

    /// Failed operations and reads of unknown outcome constrain nothing.
    static func constrains(_ operation: RegisterOperation) -> Bool {
        switch (operation.call, operation.outcome) {
        case (_, .failed), (.read, .unknown): return false
        default: return true
        }
    }

    /// The value an operation needs to find in the register to act as recorded: an ok read's
    /// result, a cas's expected value (an ok cas; and a cas of unknown outcome, which may have
    /// taken effect), if any.
    static func neededValue(_ operation: RegisterOperation) -> Int? {
        switch (operation.call, operation.outcome, operation.observed) {
        case (_, .failed, _): return nil
        case (.read, .ok, .integer(let value)?): return value
        case (.cas(let from, _), _, _): return from
        default: return nil
        }
    }

    /// The value an operation may set, if any.
    static func writtenValue(_ operation: RegisterOperation) -> Int? {
        switch operation.call {
        case .read: return nil
        case .write(let value): return value
        case .cas(_, let to): return to
        }
    }
}
