// The run's pseudo-random generator: xoshiro256** seeded through splitmix64, as the original's
// PRNG. Every random choice vortex makes (fault schedule, fault parameters, workload seed) comes
// from it, so one u64 seed reproduces the choices. Uniform draws use Lemire's unbiased method so
// they do not depend on the standard library's algorithms.

/// xoshiro256** seeded by splitmix64.
public struct VortexRandom: RandomNumberGenerator, Sendable {
    private var state0: UInt64
    private var state1: UInt64
    private var state2: UInt64
    private var state3: UInt64

    /// Creates a generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var splitmix = seed
        func nextSplitmix() -> UInt64 {
            splitmix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitmix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state0 = nextSplitmix()
        state1 = nextSplitmix()
        state2 = nextSplitmix()
        state3 = nextSplitmix()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state1 &* 5, 7) &* 9
        let shifted = state1 << 17
        state2 ^= state0
        state3 ^= state1
        state1 ^= state2
        state0 ^= state3
        state2 ^= shifted
        state3 = rotateLeft(state3, 45)
        return result
    }

    private func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject, unbiased).
    public mutating func uniform(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "uniform(below:) needs a positive bound")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            // Rejection happens with probability < bound / 2^64; bounded in practice by that.
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// A uniform integer in `range`.
    public mutating func uniform(in range: ClosedRange<Int>) -> Int {
        precondition(range.lowerBound >= 0, "ranges here are non-negative")
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(uniform(below: width))
    }

    /// A uniformly chosen element of `elements`.
    public mutating func element<Element>(of elements: [Element]) -> Element {
        precondition(!elements.isEmpty, "cannot choose from nothing")
        return elements[Int(uniform(below: UInt64(elements.count)))]
    }
}
