// What the create rules work on and what they produce: the part of the ledger a batch touches
// (read from etcd beforehand), and the results and objects to write back. Plain values, so the
// rules run and are tested without etcd.

public import Workload

/// What etcd holds under a transfer id: a created transfer, or the status that retired the id.
public enum StoredTransfer: Sendable, Hashable {
    /// The transfer was created.
    case created(Transfer)
    /// A transfer with this id failed with a transient status; the id may not be used again.
    case retired(CreateTransferStatus)
}

/// The objects a batch touches, as read from etcd, and the ledger's last timestamp.
public struct LedgerSnapshot: Sendable {
    /// Accounts found, by id.
    public var accounts: [UInt128: Account]
    /// Transfer ids found, by id.
    public var transfers: [UInt128: StoredTransfer]
    /// The timestamp of the last event applied to the ledger (0 for an empty ledger).
    public var lastTimestamp: UInt64

    /// A snapshot holding `accounts` and `transfers`; empty by default.
    public init(
        accounts: [UInt128: Account] = [:],
        transfers: [UInt128: StoredTransfer] = [:],
        lastTimestamp: UInt64 = 0
    ) {
        self.accounts = accounts
        self.transfers = transfers
        self.lastTimestamp = lastTimestamp
    }
}

/// What applying a batch produced: a result per event and the objects to write.
public struct LedgerOutcome: Sendable {
    /// One result per event, in event order.
    public internal(set) var results: [CreateResult] = []
    /// Accounts created or whose balances changed, by id.
    public internal(set) var writtenAccounts: [UInt128: Account] = [:]
    /// Transfer ids created or retired by this batch, by id.
    public internal(set) var writtenTransfers: [UInt128: StoredTransfer] = [:]
    /// The ledger's last timestamp after the batch.
    public internal(set) var lastTimestamp: UInt64 = 0
}
