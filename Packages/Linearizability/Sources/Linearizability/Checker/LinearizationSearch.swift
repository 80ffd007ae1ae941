// Wing & Gong's search with Lowe's memoization, as in Porcupine and Knossos: walk the time-sorted
// entry list; at a call, try to linearize its operation now (the register accepts it and the
// configuration is new), lift it out of the list and restart from the head; at a return, the
// operation returning has not been linearized in time, so backtrack the last choice. The history
// is linearizable once every operation of known outcome is linearized (those of unknown outcome
// can take effect after everything else, i.e. never).

/// How one search ended.
enum SearchOutcome: Equatable {
    case linearizable
    /// No order exists. `prefix` is the longest linearization found (compiled operation indices
    /// in order) and `blocked` the operation of known outcome, not in it, that returns first.
    case violation(prefix: [Int], blocked: Int)
    /// The limits were reached first.
    case exhausted(reason: String)
}

/// One run of the search over a compiled key.
struct LinearizationSearch {
    let key: CompiledKey
    let limits: CheckLimits
    /// How many configurations the last run stored.
    private(set) var exploredStates = 0

    init(_ key: CompiledKey, limits: CheckLimits) {
        self.key = key
        self.limits = limits
    }

    /// Iterations between two looks at the clock.
    private static let clockInterval = 4096

    mutating func run() -> SearchOutcome {
        let operationCount = key.operations.count
        if key.knownCount == 0 { return .linearizable }
        let wordCount = (operationCount + 63) / 64
        var cache = StateCache(
            wordCount: wordCount,
            expectedCount: min(1 << 16, operationCount * 64)
        )
        var zobrist = [UInt64](repeating: 0, count: operationCount)
        var seed: UInt64 = 0x5851_F42D_4C95_7F2D
        for index in 0..<operationCount { zobrist[index] = Self.splitMix(&seed) }

        var next = key.next
        var prev = key.prev
        let operationOfNode = key.operationOfNode
        let matchOfNode = key.matchOfNode
        let operations = key.operations
        let equivalentPredecessor = key.equivalentPredecessor

        var bits = [UInt64](repeating: 0, count: wordCount)
        var stackNodes: [Int32] = []
        var stackStates: [Int32] = []
        stackNodes.reserveCapacity(operationCount)
        stackStates.reserveCapacity(operationCount)
        var bestPrefix: [Int] = []
        var bestPending = false
        var state: Int32 = 0
        var hash: UInt64 = 0
        var linearizedKnown = 0
        var entry = next[0]
        var iterations = 0
        let maximumStates = limits.stateBound(wordCount: wordCount)
        defer { exploredStates = cache.count }

        return bits.withUnsafeMutableBufferPointer { bits in
            // Each iteration either lifts an operation into a configuration never seen before (at
            // most maximumStates times), steps forward in the list, or backtracks; the state bound
            // and the deadline bound the whole loop.
            while true {
                iterations &+= 1
                if iterations % Self.clockInterval == 0, let deadline = limits.deadline,
                    ContinuousClock.now >= deadline
                {
                    return .exhausted(reason: "deadline reached after \(cache.count) states")
                }
                if entry >= 0 && matchOfNode[Int(entry)] != CompiledKey.returnNode {
                    let node = Int(entry)
                    let operation = Int(operationOfNode[node])
                    let twin = Int(equivalentPredecessor[operation])
                    if twin >= 0 && bits[twin >> 6] & (UInt64(1) << UInt64(twin & 63)) == 0 {
                        entry = next[node]
                        continue
                    }
                    let (applies, nextState) = operations[operation].step(state)
                    if applies {
                        let word = operation >> 6
                        let mask = UInt64(1) << UInt64(operation & 63)
                        bits[word] |= mask
                        let nextHash = hash ^ zobrist[operation]
                        if cache.insert(bits, state: nextState, hash: Self.mix(nextHash, nextState))
                        {
                            guard cache.count <= maximumStates else {
                                return .exhausted(
                                    reason: "state limit of \(maximumStates) reached (at most "
                                        + "\(limits.maximumExploredStates) states and "
                                        + "\(limits.maximumMemoryBytes >> 20) MiB)"
                                )
                            }
                            stackNodes.append(entry)
                            stackStates.append(state)
                            state = nextState
                            hash = nextHash
                            if !operations[operation].unknown {
                                linearizedKnown += 1
                                if linearizedKnown == key.knownCount { return .linearizable }
                            }
                            if stackNodes.count > bestPrefix.count { bestPending = true }
                            Self.lift(node, matchOfNode[node], &next, &prev)
                            entry = next[0]
                            continue
                        }
                        bits[word] &= ~mask
                    }
                    entry = next[node]
                } else {
                    // A return (or the end of the list): backtrack.
                    if bestPending {
                        bestPrefix = stackNodes.map { Int(operationOfNode[Int($0)]) }
                        bestPending = false
                    }
                    guard let node32 = stackNodes.popLast(),
                        let previousState = stackStates.popLast()
                    else {
                        return .violation(prefix: bestPrefix, blocked: blocked(after: bestPrefix))
                    }
                    let node = Int(node32)
                    let operation = Int(operationOfNode[node])
                    bits[operation >> 6] &= ~(UInt64(1) << UInt64(operation & 63))
                    hash ^= zobrist[operation]
                    state = previousState
                    if !operations[operation].unknown { linearizedKnown -= 1 }
                    Self.unlift(node, matchOfNode[node], &next, &prev)
                    entry = next[node]
                }
            }
        }
    }

    /// The operation of known outcome outside `prefix` whose return entry comes first.
    private func blocked(after prefix: [Int]) -> Int {
        var inPrefix = [Bool](repeating: false, count: key.operations.count)
        for operation in prefix { inPrefix[operation] = true }
        var node = Int(key.next[0])
        // The original list has 2 nodes per operation at most.
        for _ in 0..<(key.next.count) where node >= 0 {
            let operation = Int(key.operationOfNode[node])
            if key.matchOfNode[node] == CompiledKey.returnNode && !inPrefix[operation] {
                return operation
            }
            node = Int(key.next[node])
        }
        // Every returning operation is in the prefix: an operation of known outcome without a
        // return entry is what is missing.
        return key.operations.indices.first { !inPrefix[$0] && !key.operations[$0].unknown } ?? 0
    }

    @inline(__always)
    private static func lift(
        _ node: Int,
        _ match: Int32,
        _ next: inout [Int32],
        _ prev: inout [Int32]
    ) {
        unlink(node, &next, &prev)
        if match >= 0 { unlink(Int(match), &next, &prev) }
    }

    @inline(__always)
    private static func unlift(
        _ node: Int,
        _ match: Int32,
        _ next: inout [Int32],
        _ prev: inout [Int32]
    ) {
        if match >= 0 { relink(Int(match), &next, &prev) }
        relink(node, &next, &prev)
    }

    @inline(__always)
    private static func unlink(_ node: Int, _ next: inout [Int32], _ prev: inout [Int32]) {
        let before = Int(prev[node])
        let after = next[node]
        next[before] = after
        if after >= 0 { prev[Int(after)] = Int32(before) }
    }

    @inline(__always)
    private static func relink(_ node: Int, _ next: inout [Int32], _ prev: inout [Int32]) {
        let before = Int(prev[node])
        let after = next[node]
        next[before] = Int32(node)
        if after >= 0 { prev[Int(after)] = Int32(node) }
    }

    @inline(__always)
    private static func mix(_ hash: UInt64, _ state: Int32) -> UInt64 {
        hash ^ (UInt64(UInt32(bitPattern: state)) &* 0x9E37_79B9_7F4A_7C15)
    }

    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
