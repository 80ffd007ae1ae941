// The model's memory of transfers: a bounded ring of the most recently created ones (TigerBeetle's
// batch size by default, as the 2024 workload kept), so lookups and idempotency probes have
// known transfers to ask about without the model growing for the length of a run.

/// The most recently created transfers, oldest overwritten first.
struct RecentTransfers: Sendable {
    /// One remembered transfer.
    struct Entry: Sendable, Hashable {
        /// The transfer as created; `timestamp` is 0 until a reply reported it.
        var transfer: Transfer
        /// The creation order across the whole run.
        var sequence: UInt64
    }

    let capacity: Int
    private(set) var entries: [Entry] = []
    private var nextSlot = 0
    private var slotByID: [UInt128: Int] = [:]

    init(capacity: Int) {
        precondition(capacity > 0, "the ring needs room for at least one transfer")
        self.capacity = capacity
        entries.reserveCapacity(capacity)
        slotByID.reserveCapacity(capacity)
    }

    var count: Int { entries.count }

    func entry(id: UInt128) -> Entry? {
        slotByID[id].map { entries[$0] }
    }

    mutating func insert(_ transfer: Transfer, sequence: UInt64) {
        precondition(slotByID[transfer.id] == nil, "a transfer id is created once")
        let entry = Entry(transfer: transfer, sequence: sequence)
        if entries.count < capacity {
            slotByID[transfer.id] = entries.count
            entries.append(entry)
            return
        }
        slotByID[entries[nextSlot].transfer.id] = nil
        entries[nextSlot] = entry
        slotByID[transfer.id] = nextSlot
        nextSlot = (nextSlot + 1) % capacity
    }

    mutating func recordTimestamp(_ timestamp: UInt64, id: UInt128) {
        guard let slot = slotByID[id] else { return }
        guard entries[slot].transfer.timestamp == 0 else { return }  // learned once
        entries[slot].transfer.timestamp = timestamp
    }
}
