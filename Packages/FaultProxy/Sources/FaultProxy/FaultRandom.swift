// The seeded random source behind every fault decision (jitter, whether a chunk is corrupted,
// shuffle or zero). Each direction of each connection gets its own stream derived from the proxy
// seed and the connection's accept ordinal, so a seed reproduces the decisions for the same
// traffic regardless of how connections interleave on the event loops.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for fault decisions; not
/// for cryptography.
public struct FaultRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose output is fully determined by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The stream for one direction of one connection of a proxy seeded with `seed`.
    public init(seed: UInt64, connectionOrdinal: UInt64, direction: ProxyDirection) {
        var mixer = FaultRandom(seed: seed ^ 0x5851_F42D_4C95_7F2D)
        let base = mixer.next()
        let directionSalt: UInt64 = direction == .toUpstream ? 0x9E37_79B9 : 0x7F4A_7C15
        var stream = FaultRandom(seed: base &+ connectionOrdinal &* 0xD1B5_4A32_D192_ED03)
        state = stream.next() ^ directionSalt
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// `true` with probability `probability` (0...1).
    public mutating func chance(_ probability: Double) -> Bool {
        precondition((0...1).contains(probability), "probability must be in 0...1")
        if probability == 0 {
            return false
        }
        // 53 random bits give a uniform double in [0, 1).
        let unit = Double(next() >> 11) * 0x1.0p-53
        return unit < probability
    }
}
