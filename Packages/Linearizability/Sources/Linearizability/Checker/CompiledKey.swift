// One key's operations made ready for the search: failed operations and reads of unknown outcome
// dropped (they constrain nothing), values renumbered densely (0 = absent) so the register state
// is a small integer, and the call/return entries sorted by time into the doubly linked list
// the search lifts operations out of.

/// What the search needs of one operation, in 12 bytes.
struct CompiledOperation {
    /// 0 read, 1 write, 2 cas.
    var kind: UInt8
    /// True when the outcome is unknown (only writes and cas remain with that outcome).
    var unknown: Bool
    /// Read: the value id returned; write: the value id written; cas: the expected value id.
    var first: Int32
    /// Cas: the value id set.
    var second: Int32

    static let read: UInt8 = 0
    static let write: UInt8 = 1
    static let cas: UInt8 = 2

    /// Whether the operation can take effect in `state`, and the state after it.
    @inline(__always)
    func step(_ state: Int32) -> (applies: Bool, next: Int32) {
        switch kind {
        case Self.read:
            return (state == first, state)
        case Self.write:
            return (true, first)
        default:
            if state == first { return (true, second) }
            // A cas of unknown outcome that finds another value did nothing, and that is allowed.
            return (unknown, state)
        }
    }
}

/// One key's operations and their entry list, as the search consumes them.
struct CompiledKey {
    /// The operations the search orders; `sourceIDs[i]` is `operations[i]`'s `RegisterOperation.id`.
    var operations: [CompiledOperation] = []
    var sourceIDs: [Int] = []
    /// How many of `operations` have a known outcome (all of them must be linearized).
    var knownCount = 0
    /// Entry lists: node 0 is the head; each operation has a call node and, when its outcome is
    /// known, a return node. `next`/`prev` are -1 at the ends.
    var next: [Int32] = []
    var prev: [Int32] = []
    /// Node → the operation it belongs to (-1 for the head).
    var operationOfNode: [Int32] = []
    /// Call node → its return node, -1 for an unknown outcome; return node → -2.
    var matchOfNode: [Int32] = []

    /// Operation → the nearest operation of unknown outcome invoked before it with the same
    /// call (kind and values), when it is itself of unknown outcome; -1 otherwise. Such twins are
    /// interchangeable (neither ever returns), so the search only linearizes one once its earlier
    /// twin is linearized: the orders it skips are the same orders with twins swapped.
    var equivalentPredecessor: [Int32] = []

    static let unknownReturn: Int32 = -1
    static let returnNode: Int32 = -2

    /// Compiles `source` (operations of one key, any order).
    init(_ source: [RegisterOperation]) {
        precondition(
            source.allSatisfy { $0.key == source.first?.key },
            "a register history is checked one key at a time"
        )
        var valueIDs: [Int: Int32] = [:]
        func id(_ value: Int) -> Int32 {
            if let known = valueIDs[value] { return known }
            let fresh = Int32(valueIDs.count + 1)
            valueIDs[value] = fresh
            return fresh
        }
        for operation in source {
            guard let compiled = Self.compile(operation, id: id) else { continue }
            operations.append(compiled)
            sourceIDs.append(operation.id)
            if !compiled.unknown { knownCount += 1 }
        }
        buildEntries(source)
    }

    private static func compile(
        _ operation: RegisterOperation,
        id: (Int) -> Int32
    ) -> CompiledOperation? {
        let unknown = operation.outcome == .unknown
        switch (operation.call, operation.outcome) {
        case (_, .failed), (.read, .unknown):
            return nil
        case (.read, .ok):
            let observed: Int32
            switch operation.observed {
            case .integer(let value)?: observed = id(value)
            case .absent?, nil: observed = 0
            }
            return CompiledOperation(
                kind: CompiledOperation.read,
                unknown: false,
                first: observed,
                second: 0
            )
        case (.write(let value), _):
            return CompiledOperation(
                kind: CompiledOperation.write,
                unknown: unknown,
                first: id(value),
                second: 0
            )
        case (.cas(let from, let to), _):
            return CompiledOperation(
                kind: CompiledOperation.cas,
                unknown: unknown,
                first: id(from),
                second: id(to)
            )
        }
    }

    /// Sorts the call and return entries by time (calls before returns at equal times, so
    /// operations that touch are taken as concurrent) and links them after the head.
    private mutating func buildEntries(_ source: [RegisterOperation]) {
        let byID = Dictionary(uniqueKeysWithValues: source.map { ($0.id, $0) })
        // (time, 0 call / 1 return, operation index)
        var entries: [(timeUs: Int64, isReturn: Int, operation: Int)] = []
        entries.reserveCapacity(operations.count * 2)
        for (index, sourceID) in sourceIDs.enumerated() {
            guard let operation = byID[sourceID] else { continue }
            entries.append((operation.invokeTimeUs, 0, index))
            if !operations[index].unknown, let completeTimeUs = operation.completeTimeUs {
                entries.append((completeTimeUs, 1, index))
            }
        }
        entries.sort {
            ($0.timeUs, $0.isReturn, $0.operation) < ($1.timeUs, $1.isReturn, $1.operation)
        }
        let nodeCount = entries.count + 1
        next = (0..<nodeCount).map { Int32($0 + 1) }
        next[nodeCount - 1] = -1
        prev = (0..<nodeCount).map { Int32($0 - 1) }
        operationOfNode = [-1] + entries.map { Int32($0.operation) }
        matchOfNode = Array(repeating: Self.unknownReturn, count: nodeCount)
        var callNodeOfOperation = Array(repeating: Int32(-1), count: operations.count)
        equivalentPredecessor = Array(repeating: -1, count: operations.count)
        var lastTwin: [Int64: Int32] = [:]
        for entry in entries where entry.isReturn == 0 && operations[entry.operation].unknown {
            let operation = operations[entry.operation]
            let signature =
                Int64(operation.kind) << 62 | Int64(operation.first) << 31 | Int64(operation.second)
            equivalentPredecessor[entry.operation] = lastTwin[signature] ?? -1
            lastTwin[signature] = Int32(entry.operation)
        }
        for (position, entry) in entries.enumerated() {
            let node = Int32(position + 1)
            if entry.isReturn == 0 {
                callNodeOfOperation[entry.operation] = node
            } else {
                matchOfNode[Int(callNodeOfOperation[entry.operation])] = node
                matchOfNode[Int(node)] = Self.returnNode
            }
        }
    }
}
