// Lowe's memoization: the set of configurations the search has already reached, a configuration
// being (which operations are linearized, register state). Open addressing over a flat arena of
// bitset words, so inserting costs no allocation per configuration and no class or
// copy-on-write indirection; the caller passes the hash it keeps up to date incrementally.

/// A hash set of (bitset of `wordCount` words, state) pairs.
struct StateCache {
    let wordCount: Int
    /// Slot → the high 32 bits of the entry's hash and, below, its index + 1 (0 = empty), so
    /// that a probe rejects another configuration without touching the entry arrays (the table
    /// is the one random memory access per lookup); the table's size is a power of two.
    private var slots: [UInt64]
    private var slotMask: Int
    /// Per entry: its hash, its state, and (in `words`) its bitset.
    private var hashes: [UInt64] = []
    private var states: [Int32] = []
    private var words: [UInt64] = []

    /// How many configurations are stored.
    var count: Int { hashes.count }

    init(wordCount: Int, expectedCount: Int = 1024) {
        precondition(wordCount > 0, "a bitset has at least one word")
        self.wordCount = wordCount
        var size = 16
        while size < expectedCount * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        slotMask = size - 1
    }

    /// Adds (`bits`, `state`) unless present; true when it was new.
    mutating func insert(
        _ bits: UnsafeMutableBufferPointer<UInt64>,
        state: Int32,
        hash: UInt64
    ) -> Bool {
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        // The table is at most half full, so the probe meets an empty slot within its size.
        let tag = hash & Self.tagMask
        for _ in 0...slotMask {
            let stored = slots[slot]
            if stored == 0 { break }
            if stored & Self.tagMask == tag {
                let entry = Int(stored & Self.indexMask) - 1
                if hashes[entry] == hash && states[entry] == state && sameBits(entry, bits) {
                    return false
                }
            }
            slot = (slot + 1) & slotMask
        }
        hashes.append(hash)
        states.append(state)
        for index in 0..<wordCount { words.append(bits[index]) }
        slots[slot] = tag | UInt64(hashes.count)
        if hashes.count * 2 > slots.count { grow() }
        return true
    }

    private static let tagMask: UInt64 = 0xFFFF_FFFF_0000_0000
    private static let indexMask: UInt64 = 0xFFFF_FFFF

    private func sameBits(_ entry: Int, _ bits: UnsafeMutableBufferPointer<UInt64>) -> Bool {
        let base = entry * wordCount
        for index in 0..<wordCount where words[base + index] != bits[index] {
            return false
        }
        return true
    }

    private mutating func grow() {
        let size = slots.count * 2
        precondition(hashes.count < Int(UInt32.max), "state cache beyond 2^32 entries")
        slots = Array(repeating: 0, count: size)
        slotMask = size - 1
        for entry in 0..<hashes.count {
            var slot = Int(truncatingIfNeeded: hashes[entry]) & slotMask
            // At most half the new table is filled, so an empty slot comes within its size.
            while slots[slot] != 0 { slot = (slot + 1) & slotMask }
            slots[slot] = (hashes[entry] & Self.tagMask) | UInt64(entry + 1)
        }
    }
}
