// TigerBeetle's create_accounts and create_transfers semantics, applied in memory to the part of
// the ledger a batch touches (read from etcd beforehand). The checks run in TigerBeetle's order,
// so a failed event gets the status TigerBeetle would return: the first applicable one. Events
// are applied one after another; a linked chain succeeds or fails as a whole; a transfer that
// fails for a reason that depends on other objects (an unknown account, a limit) retires its id
// (`id_already_failed` on a retry), as in TigerBeetle 0.16+.
//
// Supported: plain and balancing transfers, linked chains, account balance limits. Not supported
// (refused before anything is written): two-phase transfers (pending, post, void), closing
// transfers and imported events.

import Workload

/// What etcd holds under a transfer id: a created transfer, or the status that retired the id.
enum StoredTransfer: Sendable, Hashable {
    /// The transfer was created.
    case created(Transfer)
    /// A transfer with this id failed with a transient status; the id may not be used again.
    case retired(CreateTransferStatus)
}

/// The objects a batch touches, as read from etcd, and the ledger's last timestamp.
struct LedgerSnapshot: Sendable {
    /// Accounts found, by id.
    var accounts: [UInt128: Account] = [:]
    /// Transfer ids found, by id.
    var transfers: [UInt128: StoredTransfer] = [:]
    /// The timestamp of the last event applied to the ledger (0 for an empty ledger).
    var lastTimestamp: UInt64 = 0
}

/// What applying a batch produced: a result per event and the objects to write.
struct LedgerOutcome: Sendable {
    /// One result per event, in event order.
    var results: [CreateResult] = []
    /// Accounts created or whose balances changed, by id.
    var writtenAccounts: [UInt128: Account] = [:]
    /// Transfer ids created or retired by this batch, by id.
    var writtenTransfers: [UInt128: StoredTransfer] = [:]
    /// The ledger's last timestamp after the batch.
    var lastTimestamp: UInt64 = 0
}

/// A feature of TigerBeetle that this ledger does not implement.
struct UnsupportedFeature: Error, Sendable, CustomStringConvertible {
    /// One line naming the feature and the event.
    let description: String
}

/// TigerBeetle's create semantics over a `LedgerSnapshot`.
struct TigerBeetleRules {
    private static let maxID = UInt128.max
    private static let accountFlagsKnown: UInt16 = 0x3F
    private static let transferFlagsKnown: UInt16 = 0x1FF
    private static let transferFlagsUnsupported: TransferFlags = [
        .pending, .postPendingTransfer, .voidPendingTransfer, .closingDebit, .closingCredit,
        .imported,
    ]

    private var accounts: [UInt128: Account]
    private var transfers: [UInt128: StoredTransfer]
    private var outcome = LedgerOutcome()

    /// Rules starting from what etcd holds.
    init(_ snapshot: LedgerSnapshot) {
        accounts = snapshot.accounts
        transfers = snapshot.transfers
    }

    /// Throws if an event uses a feature this ledger does not implement.
    static func checkSupported(accounts events: [Account]) throws(UnsupportedFeature) {
        for (index, event) in events.enumerated() where event.flags.contains(.imported) {
            throw UnsupportedFeature(description: "imported accounts (event \(index))")
        }
    }

    /// Throws if an event uses a feature this ledger does not implement.
    static func checkSupported(transfers events: [Transfer]) throws(UnsupportedFeature) {
        for (index, event) in events.enumerated()
        where !event.flags.isDisjoint(with: transferFlagsUnsupported) {
            throw UnsupportedFeature(
                description: "two-phase, closing or imported transfers (event \(index), flags "
                    + "0x\(String(event.flags.rawValue, radix: 16)))"
            )
        }
    }

    /// Applies create_accounts; events get timestamps `base + 1`, `base + 2`, ….
    static func createAccounts(
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
    static func createTransfers(
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

    /// The state a linked chain may have to roll back to.
    private struct Checkpoint {
        var accounts: [UInt128: Account]
        var transfers: [UInt128: StoredTransfer]
        var writtenAccounts: [UInt128: Account]
        var writtenTransfers: [UInt128: StoredTransfer]
    }

    /// One event's status and the timestamp of its result; `retiredID` is set when a failed
    /// transfer retires its id.
    private struct EventResult {
        var status: UInt32
        var timestamp: UInt64
        var retiredID: (UInt128, CreateTransferStatus)?
    }

    private mutating func execute<Event>(
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

    private mutating func createAccount(_ account: Account, timestamp: UInt64) -> EventResult {
        func fail(_ status: CreateAccountStatus) -> EventResult {
            EventResult(status: status.rawValue, timestamp: timestamp)
        }
        if account.timestamp != 0 { return fail(.timestampMustBeZero) }
        if account.reserved != 0 { return fail(.reservedField) }
        if account.flags.rawValue & ~Self.accountFlagsKnown != 0 { return fail(.reservedFlag) }
        if account.id == 0 { return fail(.idMustNotBeZero) }
        if account.id == Self.maxID { return fail(.idMustNotBeIntMax) }
        if let existing = accounts[account.id] {
            let status = Self.compare(account, existing)
            let stamp = status == .exists ? existing.timestamp : timestamp
            return EventResult(status: status.rawValue, timestamp: stamp)
        }
        if account.flags.contains(.debitsMustNotExceedCredits)
            && account.flags.contains(.creditsMustNotExceedDebits)
        {
            return fail(.flagsAreMutuallyExclusive)
        }
        if account.debitsPending != 0 { return fail(.debitsPendingMustBeZero) }
        if account.debitsPosted != 0 { return fail(.debitsPostedMustBeZero) }
        if account.creditsPending != 0 { return fail(.creditsPendingMustBeZero) }
        if account.creditsPosted != 0 { return fail(.creditsPostedMustBeZero) }
        if account.ledger == 0 { return fail(.ledgerMustNotBeZero) }
        if account.code == 0 { return fail(.codeMustNotBeZero) }

        var created = account
        created.timestamp = timestamp
        accounts[account.id] = created
        outcome.writtenAccounts[account.id] = created
        return EventResult(status: CreateAccountStatus.created.rawValue, timestamp: timestamp)
    }

    private static func compare(_ account: Account, _ existing: Account) -> CreateAccountStatus {
        if account.flags != existing.flags { return .existsWithDifferentFlags }
        if account.userData128 != existing.userData128 { return .existsWithDifferentUserData128 }
        if account.userData64 != existing.userData64 { return .existsWithDifferentUserData64 }
        if account.userData32 != existing.userData32 { return .existsWithDifferentUserData32 }
        if account.ledger != existing.ledger { return .existsWithDifferentLedger }
        if account.code != existing.code { return .existsWithDifferentCode }
        return .exists
    }

    private mutating func createTransfer(_ transfer: Transfer, timestamp: UInt64) -> EventResult {
        func fail(_ status: CreateTransferStatus) -> EventResult {
            EventResult(status: status.rawValue, timestamp: timestamp)
        }
        func retire(_ status: CreateTransferStatus) -> EventResult {
            EventResult(
                status: status.rawValue,
                timestamp: timestamp,
                retiredID: (transfer.id, status)
            )
        }
        if transfer.timestamp != 0 { return fail(.timestampMustBeZero) }
        if transfer.flags.rawValue & ~Self.transferFlagsKnown != 0 { return fail(.reservedFlag) }
        if transfer.id == 0 { return fail(.idMustNotBeZero) }
        if transfer.id == Self.maxID { return fail(.idMustNotBeIntMax) }
        switch transfers[transfer.id] {
        case .created(let existing):
            let status = Self.compare(transfer, existing)
            let stamp = status == .exists ? existing.timestamp : timestamp
            return EventResult(status: status.rawValue, timestamp: stamp)
        case .retired:
            return fail(.idAlreadyFailed)
        case nil:
            break
        }
        if transfer.debitAccountID == 0 { return fail(.debitAccountIDMustNotBeZero) }
        if transfer.debitAccountID == Self.maxID { return fail(.debitAccountIDMustNotBeIntMax) }
        if transfer.creditAccountID == 0 { return fail(.creditAccountIDMustNotBeZero) }
        if transfer.creditAccountID == Self.maxID { return fail(.creditAccountIDMustNotBeIntMax) }
        if transfer.debitAccountID == transfer.creditAccountID {
            return fail(.accountsMustBeDifferent)
        }
        if transfer.pendingID != 0 { return fail(.pendingIDMustBeZero) }
        if transfer.timeout != 0 { return fail(.timeoutReservedForPendingTransfer) }
        if transfer.ledger == 0 { return fail(.ledgerMustNotBeZero) }
        if transfer.code == 0 { return fail(.codeMustNotBeZero) }
        guard var debit = accounts[transfer.debitAccountID] else {
            return retire(.debitAccountNotFound)
        }
        guard var credit = accounts[transfer.creditAccountID] else {
            return retire(.creditAccountNotFound)
        }
        if debit.ledger != credit.ledger { return fail(.accountsMustHaveTheSameLedger) }
        if transfer.ledger != debit.ledger { return fail(.transferMustHaveTheSameLedgerAsAccounts) }
        if debit.flags.contains(.closed) { return retire(.debitAccountAlreadyClosed) }
        if credit.flags.contains(.closed) { return retire(.creditAccountAlreadyClosed) }

        var amount = transfer.amount
        if transfer.flags.contains(.balancingDebit) {
            let used = debit.debitsPosted.addingReportingOverflow(debit.debitsPending)
            let available =
                used.overflow || used.partialValue >= debit.creditsPosted
                ? 0 : debit.creditsPosted - used.partialValue
            amount = min(amount, available)
        }
        if transfer.flags.contains(.balancingCredit) {
            let used = credit.creditsPosted.addingReportingOverflow(credit.creditsPending)
            let available =
                used.overflow || used.partialValue >= credit.debitsPosted
                ? 0 : credit.debitsPosted - used.partialValue
            amount = min(amount, available)
        }
        guard let debitsPosted = Self.sum(amount, debit.debitsPosted) else {
            return retire(.overflowsDebitsPosted)
        }
        guard let creditsPosted = Self.sum(amount, credit.creditsPosted) else {
            return retire(.overflowsCreditsPosted)
        }
        guard let debitsTotal = Self.sum(debitsPosted, debit.debitsPending) else {
            return retire(.overflowsDebits)
        }
        guard let creditsTotal = Self.sum(creditsPosted, credit.creditsPending) else {
            return retire(.overflowsCredits)
        }
        if debit.flags.contains(.debitsMustNotExceedCredits) && debitsTotal > debit.creditsPosted {
            return retire(.exceedsCredits)
        }
        if credit.flags.contains(.creditsMustNotExceedDebits) && creditsTotal > credit.debitsPosted
        {
            return retire(.exceedsDebits)
        }

        debit.debitsPosted = debitsPosted
        credit.creditsPosted = creditsPosted
        var created = transfer
        created.amount = amount
        created.timestamp = timestamp
        accounts[debit.id] = debit
        accounts[credit.id] = credit
        transfers[transfer.id] = .created(created)
        outcome.writtenAccounts[debit.id] = debit
        outcome.writtenAccounts[credit.id] = credit
        outcome.writtenTransfers[transfer.id] = .created(created)
        return EventResult(status: CreateTransferStatus.created.rawValue, timestamp: timestamp)
    }

    private static func compare(_ transfer: Transfer, _ existing: Transfer) -> CreateTransferStatus
    {
        if transfer.flags != existing.flags { return .existsWithDifferentFlags }
        if transfer.pendingID != existing.pendingID { return .existsWithDifferentPendingID }
        if transfer.timeout != existing.timeout { return .existsWithDifferentTimeout }
        if transfer.debitAccountID != existing.debitAccountID {
            return .existsWithDifferentDebitAccountID
        }
        if transfer.creditAccountID != existing.creditAccountID {
            return .existsWithDifferentCreditAccountID
        }
        let balancing = !transfer.flags.isDisjoint(with: [.balancingDebit, .balancingCredit])
        if balancing ? transfer.amount < existing.amount : transfer.amount != existing.amount {
            return .existsWithDifferentAmount
        }
        if transfer.userData128 != existing.userData128 { return .existsWithDifferentUserData128 }
        if transfer.userData64 != existing.userData64 { return .existsWithDifferentUserData64 }
        if transfer.userData32 != existing.userData32 { return .existsWithDifferentUserData32 }
        if transfer.ledger != existing.ledger { return .existsWithDifferentLedger }
        if transfer.code != existing.code { return .existsWithDifferentCode }
        return .exists
    }

    private static func sum(_ left: UInt128, _ right: UInt128) -> UInt128? {
        let (value, overflow) = left.addingReportingOverflow(right)
        return overflow ? nil : value
    }
}
