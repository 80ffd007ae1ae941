// The workload's pseudo-random generator: xoshiro256** seeded through splitmix64, as Zig's
// `std.Random.DefaultPrng` that the original vortex uses. Written out here (rather than using
// Swift's `random(in:using:)`, whose reduction may change between releases) so that a seed gives
// the same sequence on every platform and every toolchain.

/// A seeded xoshiro256** generator with the uniform draws the workload needs.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose four state words are the first four outputs of splitmix64(`seed`).
    public init(seed: UInt64) {
        var splitMixState = seed
        func splitMix() -> UInt64 {
            splitMixState &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMixState
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// A uniform value in `0..<bound` (Lemire's multiply-and-reject; terminates with
    /// probability 1, expected fewer than two draws).
    public mutating func uniform(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "uniform(below:) needs a positive bound")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// A uniform value in `range` (both ends inclusive).
    public mutating func uniform(in range: ClosedRange<UInt64>) -> UInt64 {
        let span = range.upperBound - range.lowerBound
        if span == .max { return next() }
        return range.lowerBound + uniform(below: span + 1)
    }

    /// A uniform index into a collection of `count` elements.
    public mutating func index(below count: Int) -> Int {
        precondition(count > 0, "index(below:) needs a non-empty collection")
        return Int(uniform(below: UInt64(count)))
    }

    /// 128 random bits.
    public mutating func nextUInt128() -> UInt128 {
        let high = next()
        let low = next()
        return UInt128(high) << 64 | UInt128(low)
    }

    /// A uniform id in `1...2^128-2`: never 0 nor 2^128-1, which TigerBeetle rejects.
    public mutating func nonZeroID() -> UInt128 {
        // 2 of 2^128 values are redrawn; 8 draws bound the loop far beyond any real need.
        for _ in 0..<8 {
            let id = nextUInt128()
            if id != 0 && id != .max { return id }
        }
        return 1
    }

    /// True with probability `numerator / denominator`.
    public mutating func chance(_ numerator: UInt64, in denominator: UInt64) -> Bool {
        precondition(numerator <= denominator, "a probability is at most 1")
        return uniform(below: denominator) < numerator
    }

    /// An index drawn with probability proportional to its weight; nil when all weights are 0.
    public mutating func weightedIndex(_ weights: [UInt64]) -> Int? {
        let total = weights.reduce(0, +)
        guard total > 0 else { return nil }
        var pick = uniform(below: total)
        for (index, weight) in weights.enumerated() {
            if pick < weight { return index }
            pick -= weight
        }
        preconditionFailure("weightedIndex: pick beyond the total")
    }

    private func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}
