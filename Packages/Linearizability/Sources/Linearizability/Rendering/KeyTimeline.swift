// The geometry of one key's timeline: one lane per client process, each operation a bar from its
// invocation to its completion. Times are replaced by their rank among the key's distinct times,
// so that a burst of concurrent operations is as readable as a slow stretch (as in Porcupine's
// visualisation), and an unknown outcome runs to the right edge.

/// Where each operation of one key is drawn.
struct KeyTimeline {
    /// Horizontal space per distinct time, in pixels.
    static let columnWidth = 34
    /// Height of a lane, in pixels.
    static let laneHeight = 30
    /// Width of the process labels on the left, in pixels.
    static let gutterWidth = 90

    struct Bar {
        let operation: RegisterOperation
        let x: Int
        let width: Int
        let lane: Int
    }

    let processes: [Int]
    let bars: [Bar]
    let width: Int
    let height: Int

    init(operations: [RegisterOperation]) {
        processes = Array(Set(operations.map(\.process))).sorted()
        let laneOf = Dictionary(uniqueKeysWithValues: processes.enumerated().map { ($1, $0) })
        var times = Set<Int64>()
        for operation in operations {
            times.insert(operation.invokeTimeUs)
            if let completeTimeUs = operation.completeTimeUs { times.insert(completeTimeUs) }
        }
        let sortedTimes = times.sorted()
        let rankOf = Dictionary(uniqueKeysWithValues: sortedTimes.enumerated().map { ($1, $0) })
        let lastColumn = sortedTimes.count + 1
        width = Self.gutterWidth + (lastColumn + 1) * Self.columnWidth
        height = processes.count * Self.laneHeight + 24
        bars = operations.map { operation in
            let start = rankOf[operation.invokeTimeUs] ?? 0
            let end = operation.completeTimeUs.flatMap { rankOf[$0] } ?? lastColumn
            return Bar(
                operation: operation,
                x: Self.gutterWidth + start * Self.columnWidth + 2,
                width: max(Self.columnWidth - 4, (end - start) * Self.columnWidth - 4),
                lane: laneOf[operation.process] ?? 0
            )
        }
    }
}
