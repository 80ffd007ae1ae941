// Which subsets of a key's operations are faithful witnesses of a violation: those that keep,
// for every value a kept operation found, all the writes it could have found it from. The
// minimiser only tries such subsets, so a minimal set never blames a read for a write that was
// merely left out.

/// The closure rule. Let T be the latest completion of the subset's operations of known outcome.
/// For every operation A of the subset that found value v (an ok read of v, an ok cas from v, or
/// a cas from v of unknown outcome), the subset must hold every write of v (write or cas to v, of
/// any outcome but failed) invoked before A completed, or before T when A's outcome is unknown.
///
/// Why it is enough: take any linearization L of the whole key and keep only the subset's
/// operations, moving to the end those of unknown outcome that had no effect in L or that come
/// after every kept operation of known outcome. Every kept operation that found v then still
/// finds v: the write it found in L was invoked before its linearization point (before its
/// completion, or before T), so it is kept, and nothing kept comes between them. So when the
/// subset is not linearizable, neither is the whole key.
struct WriterClosure {
    /// Per value: its writers' ids and invocation times, by invocation time.
    private let writerIDs: [Int: [Int]]
    private let writerTimesUs: [Int: [Int64]]
    /// Per writer id: the value it writes and its rank among that value's writers.
    private let writerRank: [Int: (value: Int, rank: Int)]
    /// Per operation id that found a value: the value.
    private let neededValue: [Int: Int]

    init(_ operations: [RegisterOperation]) {
        var writers: [Int: [RegisterOperation]] = [:]
        var needed: [Int: Int] = [:]
        for operation in operations {
            if let value = ViolationMinimizer.writtenValue(operation) {
                writers[value, default: []].append(operation)
            }
            if let value = ViolationMinimizer.neededValue(operation) {
                needed[operation.id] = value
            }
        }
        var ids: [Int: [Int]] = [:]
        var times: [Int: [Int64]] = [:]
        var ranks: [Int: (value: Int, rank: Int)] = [:]
        for (value, list) in writers {
            let sorted = list.sorted { ($0.invokeTimeUs, $0.id) < ($1.invokeTimeUs, $1.id) }
            ids[value] = sorted.map(\.id)
            times[value] = sorted.map(\.invokeTimeUs)
            for (rank, operation) in sorted.enumerated() { ranks[operation.id] = (value, rank) }
        }
        writerIDs = ids
        writerTimesUs = times
        writerRank = ranks
        neededValue = needed
    }

    /// Whether `subset` keeps every writer its operations need.
    func holds(for subset: [RegisterOperation]) -> Bool {
        let ids = Set(subset.map(\.id))
        let horizonUs = Self.horizon(of: subset)
        var leadingKept: [Int: Int] = [:]
        for operation in subset {
            guard let (value, count) = requirement(of: operation, horizonUs: horizonUs) else {
                continue
            }
            let kept: Int
            if let known = leadingKept[value] {
                kept = known
            } else {
                let writers = writerIDs[value] ?? []
                kept = writers.firstIndex { !ids.contains($0) } ?? writers.count
                leadingKept[value] = kept
            }
            if kept < count { return false }
        }
        return true
    }

    /// `subset` without `dropped` and without every operation that, transitively, needs one of
    /// them as a writer: the result keeps the rule if `subset` did. (Dropping one operation at a
    /// time would be stuck on cycles: a cas 1→2 and a cas 2→1 can each need the other.)
    func removing(_ dropped: Set<Int>, from subset: [RegisterOperation]) -> [RegisterOperation] {
        var removed = dropped
        // The horizon only shrinks as operations go, and requirements with it: computing it once
        // may remove more than needed, never less.
        let horizonUs = Self.horizon(of: subset.filter { !dropped.contains($0.id) })
        var lowestRemovedRank: [Int: Int] = [:]
        func noteRemoved(_ id: Int) {
            guard let (value, rank) = writerRank[id] else { return }
            lowestRemovedRank[value] = min(rank, lowestRemovedRank[value] ?? .max)
        }
        for id in dropped { noteRemoved(id) }
        // Each round removes at least one more operation, or ends.
        for _ in 0...subset.count {
            var changed = false
            for operation in subset where !removed.contains(operation.id) {
                guard let (value, count) = requirement(of: operation, horizonUs: horizonUs),
                    let rank = lowestRemovedRank[value], rank < count
                else { continue }
                removed.insert(operation.id)
                noteRemoved(operation.id)
                changed = true
            }
            if !changed { break }
        }
        return subset.filter { !removed.contains($0.id) }
    }

    /// The latest completion among `subset`'s operations of known outcome.
    private static func horizon(of subset: [RegisterOperation]) -> Int64 {
        subset.compactMap { $0.outcome == .unknown ? nil : $0.completeTimeUs }.max() ?? .min
    }

    /// The value `operation` found and how many of that value's first writers it needs.
    private func requirement(
        of operation: RegisterOperation,
        horizonUs: Int64
    ) -> (value: Int, count: Int)? {
        guard let value = neededValue[operation.id], let times = writerTimesUs[value] else {
            return nil
        }
        let limitUs = operation.outcome == .unknown ? horizonUs : (operation.completeTimeUs ?? .max)
        // Writers invoked no later than the limit: a prefix of the sorted list.
        var low = 0
        var high = times.count
        while low < high {
            let middle = (low + high) / 2
            if times[middle] <= limitUs { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? (value, low) : nil
    }
}
