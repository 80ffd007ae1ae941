// TigerBeetle's create_accounts and create_transfers semantics, applied in memory to the part of
// the ledger a batch touches (read from etcd beforehand). The checks run in TigerBeetle's order,
// so a failed event gets the status TigerBeetle would return: the first applicable one. Events
// are applied one after another; a linked chain succeeds or fails as a whole; a transfer that
// fails with a transient status (an unknown or closed account, a balance limit; not an
// overflow) retires its id (`id_already_failed` on a retry), as in TigerBeetle 0.16+. Accounts:
// TigerBeetleRules+Accounts.swift; transfers: TigerBeetleRules+Transfers.swift; chains and
// timestamps: TigerBeetleRules+Chains.swift.
//
// Deliberately independent of the model's `LedgerRules` (Packages/Workload, Model/): the model
// is the oracle that checks this driver's answers, so the two must not share code (a mistake
// they shared would be a mistake neither could catch). Only the protocol types (layouts, flags,
// status values) are common. This file's tests (Tests/EtcdLedgerDriverTests) write their
// expectations by hand from TigerBeetle's documented semantics, not from the model.
//
// Supported: plain and balancing transfers, linked chains, account balance limits. Not supported
// (refused before anything is written): two-phase transfers (pending, post, void), closing
// transfers and imported events.

public import Workload

/// A feature of TigerBeetle that this ledger does not implement.
public struct UnsupportedFeature: Error, Sendable, CustomStringConvertible {
    /// One line naming the feature and the event.
    public let description: String
}

/// TigerBeetle's create semantics over a `LedgerSnapshot`.
public struct TigerBeetleRules {
    static let maxID = UInt128.max
    static let accountFlagsKnown: UInt16 = 0x3F
    static let transferFlagsKnown: UInt16 = 0x1FF
    static let transferFlagsUnsupported: TransferFlags = [
        .pending, .postPendingTransfer, .voidPendingTransfer, .closingDebit, .closingCredit,
        .imported,
    ]

    /// The accounts as the batch has left them so far.
    var accounts: [UInt128: Account]
    /// The transfer ids as the batch has left them so far.
    var transfers: [UInt128: StoredTransfer]
    /// The results and writes so far.
    var outcome = LedgerOutcome()

    /// Rules starting from what etcd holds.
    init(_ snapshot: LedgerSnapshot) {
        accounts = snapshot.accounts
        transfers = snapshot.transfers
    }

    /// Throws if an event uses a feature this ledger does not implement.
    public static func checkSupported(accounts events: [Account]) throws(UnsupportedFeature) {
        for (index, event) in events.enumerated() where event.flags.contains(.imported) {
            throw UnsupportedFeature(description: "imported accounts (event \(index))")
        }
    }

    /// Throws if an event uses a feature this ledger does not implement.
    public static func checkSupported(transfers events: [Transfer]) throws(UnsupportedFeature) {
        for (index, event) in events.enumerated()
        where !event.flags.isDisjoint(with: transferFlagsUnsupported) {
            throw UnsupportedFeature(
                description: "two-phase, closing or imported transfers (event \(index), flags "
                    + "0x\(String(event.flags.rawValue, radix: 16)))"
            )
        }
    }

    /// Applies create_accounts; events get timestamps `base + 1`, `base + 2`, ….
    public static func createAccounts(
        _ events: [Account],
        snapshot: LedgerSnapshot,
        baseTimestamp: UInt64
    ) -> LedgerOutcome {
        var rules = TigerBeetleRules(snapshot)
        rules.execute(
            events,
            baseTimestamp: baseTimestamp,
            linked: { $0.flags.contains(.linked) },
            apply: { rules, event, timestamp in rules.createAccount(event, timestamp: timestamp) }
        )
        return rules.outcome
    }

    /// Applies create_transfers; events get timestamps `base + 1`, `base + 2`, ….
    public static func createTransfers(
        _ events: [Transfer],
        snapshot: LedgerSnapshot,
        baseTimestamp: UInt64
    ) -> LedgerOutcome {
        var rules = TigerBeetleRules(snapshot)
        rules.execute(
            events,
            baseTimestamp: baseTimestamp,
            linked: { $0.flags.contains(.linked) },
            apply: { rules, event, timestamp in rules.createTransfer(event, timestamp: timestamp) }
        )
        return rules.outcome
    }
}
