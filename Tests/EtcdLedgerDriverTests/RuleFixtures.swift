// Hand-built accounts, transfers and snapshots for the create-rule tests, and readers of an
// outcome's statuses. The tests write every expected status by hand from TigerBeetle's
// documented semantics (docs.tigerbeetle.com, create_accounts / create_transfers; the status
// enums' order of precedence in src/tigerbeetle.zig). Nothing here uses the model's
// `LedgerRules` (Packages/Workload): the model is the oracle the driver is checked against at
// run time, so it must not also be the source of these expectations.

import EtcdLedgerDriver
import Workload

/// Builders of events and snapshots for the rule tests.
enum Fixture {
    /// The ledger's last timestamp before every batch of these tests; event `i` of a batch gets
    /// `baseTimestamp + i + 1`.
    static let baseTimestamp: UInt64 = 1_000

    /// A valid new account: ledger 1, code 1, no balances.
    static func account(
        _ id: UInt128,
        ledger: UInt32 = 1,
        code: UInt16 = 1,
        flags: AccountFlags = []
    ) -> Account {
        Account(id: id, ledger: ledger, code: code, flags: flags)
    }

    /// An account as etcd holds it: created at `timestamp`, with balances.
    static func stored(
        _ id: UInt128,
        ledger: UInt32 = 1,
        flags: AccountFlags = [],
        debitsPending: UInt128 = 0,
        debitsPosted: UInt128 = 0,
        creditsPending: UInt128 = 0,
        creditsPosted: UInt128 = 0,
        timestamp: UInt64 = 100
    ) -> Account {
        Account(
            id: id,
            debitsPending: debitsPending,
            debitsPosted: debitsPosted,
            creditsPending: creditsPending,
            creditsPosted: creditsPosted,
            ledger: ledger,
            code: 1,
            flags: flags,
            timestamp: timestamp
        )
    }

    /// A valid new transfer of `amount` from `debit` to `credit` on ledger 1, code 1.
    static func transfer(
        _ id: UInt128,
        from debit: UInt128,
        to credit: UInt128,
        amount: UInt128,
        ledger: UInt32 = 1,
        code: UInt16 = 1,
        flags: TransferFlags = []
    ) -> Transfer {
        Transfer(
            id: id,
            debitAccountID: debit,
            creditAccountID: credit,
            amount: amount,
            ledger: ledger,
            code: code,
            flags: flags
        )
    }

    /// A snapshot holding `accounts`, created `transfers` and `retired` ids.
    static func snapshot(
        accounts: [Account] = [],
        transfers: [Transfer] = [],
        retired: [UInt128: CreateTransferStatus] = [:]
    ) -> LedgerSnapshot {
        var snapshot = LedgerSnapshot(lastTimestamp: baseTimestamp)
        for account in accounts { snapshot.accounts[account.id] = account }
        for transfer in transfers { snapshot.transfers[transfer.id] = .created(transfer) }
        for (id, status) in retired { snapshot.transfers[id] = .retired(status) }
        return snapshot
    }

    /// create_accounts of `events` on `snapshot`.
    static func createAccounts(
        _ events: [Account],
        on snapshot: LedgerSnapshot = snapshot()
    ) -> LedgerOutcome {
        TigerBeetleRules.createAccounts(events, snapshot: snapshot, baseTimestamp: baseTimestamp)
    }

    /// create_transfers of `events` on `snapshot`.
    static func createTransfers(
        _ events: [Transfer],
        on snapshot: LedgerSnapshot
    ) -> LedgerOutcome {
        TigerBeetleRules.createTransfers(events, snapshot: snapshot, baseTimestamp: baseTimestamp)
    }
}

extension LedgerOutcome {
    /// The results read as account statuses (nil for a value that is not one).
    var accountStatuses: [CreateAccountStatus?] { results.map(\.accountStatus) }
    /// The results read as transfer statuses (nil for a value that is not one).
    var transferStatuses: [CreateTransferStatus?] { results.map(\.transferStatus) }
    /// The results' timestamps.
    var timestamps: [UInt64] { results.map(\.timestamp) }
}
