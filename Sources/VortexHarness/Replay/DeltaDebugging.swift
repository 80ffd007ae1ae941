// Zeller and Hildebrandt's ddmin ("Simplifying and Isolating Failure-Inducing Input", 2002) over
// the decisions of a failing schedule, as pure logic: the caller supplies the test, which runs a
// batch of candidates (side by side, if it can) and reports one that still fails. Split the
// current failing set into n parts; if a part fails alone, keep it (n = 2); else if a part's
// complement fails, keep that (n − 1); else split finer (2n) until the parts are single
// decisions. The result is 1-minimal: removing any one decision makes the failure go away.
//
// The test may map a candidate onto the schedule it really runs (for shrink: without decisions
// that became impossible) and hands that back; ddmin continues from it. Each round tests at most
// 2n candidates and every kept candidate is smaller, so the search ends; a test that reports
// `stopped` (budget spent, interrupted) ends it with the best set so far.

/// What a batch of candidates showed.
public enum DeltaDebuggingVerdict: Sendable, Hashable {
    /// A candidate still fails; the set it ran (possibly smaller than the candidate).
    case fails([Int])
    /// No candidate of the batch fails.
    case passes
    /// The search must end now (budget spent or interrupted).
    case stopped
}

/// ddmin over sets of indices.
public enum DeltaDebugging {
    /// Minimizes `failing` (a set the test is known to fail on, in order).
    ///
    /// - Parameters:
    ///   - failing: the failing set, in the order the test expects.
    ///   - test: runs candidates (each in the same order as `failing`) and reports one that
    ///     fails, preferring earlier ones.
    /// - Returns: a 1-minimal failing subset, or the smallest found before the test stopped.
    public static func minimize(
        _ failing: [Int],
        test: ([[Int]]) async -> DeltaDebuggingVerdict
    ) async -> [Int] {
        var current = failing
        var granularity = 2
        // Bounded: each pass either shrinks `current` or doubles `granularity` up to its size.
        while current.count >= 2 {
            // A kept candidate may have come back smaller than the granularity.
            granularity = min(granularity, current.count)
            let parts = split(current, into: granularity)
            switch await test(parts) {
            case .fails(let smaller):
                current = smaller
                granularity = 2
                continue
            case .stopped: return current
            case .passes: break
            }
            // With two parts the complements are the parts themselves.
            if granularity > 2 {
                let complements = parts.map { part in
                    let removed = Set(part)
                    return current.filter { !removed.contains($0) }
                }
                switch await test(complements) {
                case .fails(let smaller):
                    current = smaller
                    granularity = max(granularity - 1, 2)
                    continue
                case .stopped: return current
                case .passes: break
                }
            }
            guard granularity < current.count else { break }
            granularity = min(current.count, granularity * 2)
        }
        return current
    }

    /// `items` cut into `count` contiguous parts of nearly equal size (none empty).
    static func split(_ items: [Int], into count: Int) -> [[Int]] {
        precondition(count >= 1 && count <= items.count, "1 ≤ parts ≤ items")
        var parts: [[Int]] = []
        var start = 0
        for index in 0..<count {
            let end = start + (items.count - start) / (count - index)
            parts.append(Array(items[start..<end]))
            start = end
        }
        return parts
    }
}
