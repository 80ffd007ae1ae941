// How a batch runs: events one after another, each with its own timestamp, grouped into linked
// chains that succeed or fail as a whole. A chain that fails is rolled back: its events before
// the failure become `linked_event_failed`, the failing one keeps its status, the ones after it
// get `linked_event_failed`; a batch whose last event is linked ends an open chain, which gets
// `linked_event_chain_open`. An id the failing event retires stays retired after the rollback,
// as in TigerBeetle (the orphaned id is recorded after the chain's scope is discarded).

import Workload

extension TigerBeetleRules {
    /// The state a linked chain may have to roll back to.
    private struct Checkpoint {
        var accounts: [UInt128: Account]
        var transfers: [UInt128: StoredTransfer]
        var writtenAccounts: [UInt128: Account]
        var writtenTransfers: [UInt128: StoredTransfer]
    }

    /// One event's status and the timestamp of its result; `retiredID` is set when a failed
    /// transfer retires its id.
    struct EventResult {
        var status: UInt32
        var timestamp: UInt64
        var retiredID: (UInt128, CreateTransferStatus)?
    }

    /// Applies `events` in order with `apply`, chain by chain; event `i` gets the timestamp
    /// `baseTimestamp + i + 1`.
    mutating func execute<Event>(
        _ events: [Event],
        baseTimestamp: UInt64,
        linked: (Event) -> Bool,
        apply: (inout TigerBeetleRules, Event, UInt64) -> EventResult
    ) {
        let created = CreateAccountStatus.created.rawValue
        let linkedEventFailed = CreateAccountStatus.linkedEventFailed.rawValue
        let chainOpen = CreateAccountStatus.linkedEventChainOpen.rawValue
        precondition(created == CreateTransferStatus.created.rawValue)
        precondition(linkedEventFailed == CreateTransferStatus.linkedEventFailed.rawValue)
        precondition(chainOpen == CreateTransferStatus.linkedEventChainOpen.rawValue)

        outcome.results.reserveCapacity(events.count)
        var chainStart = 0
        while chainStart < events.count {
            var chainEnd = chainStart + 1
            while chainEnd < events.count && linked(events[chainEnd - 1]) { chainEnd += 1 }
            let isChain = chainEnd - chainStart > 1 || linked(events[chainStart])
            let checkpoint =
                isChain
                ? Checkpoint(
                    accounts: accounts,
                    transfers: transfers,
                    writtenAccounts: outcome.writtenAccounts,
                    writtenTransfers: outcome.writtenTransfers
                ) : nil
            var failure: (index: Int, retired: (UInt128, CreateTransferStatus)?)?
            for index in chainStart..<chainEnd {
                let timestamp = baseTimestamp + UInt64(index) + 1
                let result: EventResult
                if index == events.count - 1 && linked(events[index]) {
                    result = EventResult(status: chainOpen, timestamp: timestamp)
                } else if failure != nil {
                    result = EventResult(status: linkedEventFailed, timestamp: timestamp)
                } else {
                    result = apply(&self, events[index], timestamp)
                }
                outcome.results.append(
                    CreateResult(timestamp: result.timestamp, status: result.status)
                )
                if result.status != created && failure == nil {
                    failure = (index, result.retiredID)
                }
            }
            if let failure {
                if let checkpoint {
                    accounts = checkpoint.accounts
                    transfers = checkpoint.transfers
                    outcome.writtenAccounts = checkpoint.writtenAccounts
                    outcome.writtenTransfers = checkpoint.writtenTransfers
                    for index in chainStart..<failure.index {
                        outcome.results[index].status = linkedEventFailed
                    }
                }
                if let (id, status) = failure.retired {
                    transfers[id] = .retired(status)
                    outcome.writtenTransfers[id] = .retired(status)
                }
            }
            chainStart = chainEnd
        }
        outcome.lastTimestamp = baseTimestamp + UInt64(events.count)
    }
}
