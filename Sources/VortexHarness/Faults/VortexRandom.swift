// The run's pseudo-random generator is the workload's: xoshiro256** seeded through splitmix64,
// as the original's PRNG, with Lemire's unbiased uniform draws. Every random choice vortex makes
// (fault schedule, fault parameters, workload seed) comes from it, so one u64 seed reproduces
// the choices. The harness adds the two draws its scheduler needs.

public import Workload

/// The run's generator (the same xoshiro256** as the workload's).
public typealias VortexRandom = SeededRandom

extension SeededRandom {
    /// A uniform integer in `range` (non-negative).
    public mutating func uniform(in range: ClosedRange<Int>) -> Int {
        precondition(range.lowerBound >= 0, "ranges here are non-negative")
        return Int(uniform(in: UInt64(range.lowerBound)...UInt64(range.upperBound)))
    }

    /// A uniformly chosen element of `elements`.
    public mutating func element<Element>(of elements: [Element]) -> Element {
        precondition(!elements.isEmpty, "cannot choose from nothing")
        return elements[index(below: elements.count)]
    }
}
