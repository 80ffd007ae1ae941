// A pre-check before the search: an operation that found a value no write could have put there
// (an ok read of v, or an ok cas from v, with no write of v invoked before it completed) is a
// violation on its own. The search would find it too, but only after exhausting every order of
// the operations before it, which on a history with many unknown outcomes can exceed the
// limits; this finds it in one pass.

enum UnwrittenObservation {
    /// The id of the first operation (by completion) that found a value nothing could have
    /// written before it completed, if any. `operations` are one key's.
    static func first(in operations: [RegisterOperation]) -> Int? {
        var earliestWriteUs: [Int: Int64] = [:]
        for operation in operations where operation.outcome != .failed {
            guard let value = ViolationMinimizer.writtenValue(operation) else { continue }
            earliestWriteUs[value] = min(operation.invokeTimeUs, earliestWriteUs[value] ?? .max)
        }
        var found: (id: Int, completeTimeUs: Int64)?
        for operation in operations where operation.outcome == .ok {
            guard let value = ViolationMinimizer.neededValue(operation),
                let completeTimeUs = operation.completeTimeUs
            else { continue }
            // A cas from v to v does not write v for itself.
            var writtenUs = earliestWriteUs[value] ?? .max
            if case .cas(let from, let to) = operation.call, from == to,
                writtenUs == operation.invokeTimeUs
            {
                writtenUs = earliestOtherWrite(of: value, besides: operation.id, in: operations)
            }
            if writtenUs > completeTimeUs && completeTimeUs < (found?.completeTimeUs ?? .max) {
                found = (operation.id, completeTimeUs)
            }
        }
        return found?.id
    }

    private static func earliestOtherWrite(
        of value: Int,
        besides id: Int,
        in operations: [RegisterOperation]
    ) -> Int64 {
        operations.filter { $0.id != id && $0.outcome != .failed }
            .filter { ViolationMinimizer.writtenValue($0) == value }
            .map(\.invokeTimeUs).min() ?? .max
    }
}
