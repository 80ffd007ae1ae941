// create_transfers for one event, in TigerBeetle's order of precedence: timestamp, reserved
// flags, id, an existing id (`exists` or the first differing field) or a retired one
// (`id_already_failed`), the shape of the transfer (account ids, pending id, timeout, ledger,
// code), the accounts (found, same ledger, not closed), the amount (balancing clamps it),
// overflows, then the accounts' balance limits. Only plain and balancing transfers reach here
// (two-phase, closing and imported ones are refused beforehand).
//
// `retire` marks TigerBeetle's transient statuses (`CreateTransferResult.transient()` in
// src/tigerbeetle.zig: an account not found or closed, a balance limit exceeded), whose id may
// never be used again; every other failure, overflows included, leaves the id free.

import Workload

extension TigerBeetleRules {
    /// Creates `transfer` with `timestamp`, or returns the status that refuses it (and retires
    /// its id when the status is transient).
    mutating func createTransfer(_ transfer: Transfer, timestamp: UInt64) -> EventResult {
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
            return fail(.overflowsDebitsPosted)
        }
        guard let creditsPosted = Self.sum(amount, credit.creditsPosted) else {
            return fail(.overflowsCreditsPosted)
        }
        guard let debitsTotal = Self.sum(debitsPosted, debit.debitsPending) else {
            return fail(.overflowsDebits)
        }
        guard let creditsTotal = Self.sum(creditsPosted, credit.creditsPending) else {
            return fail(.overflowsCredits)
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

    /// `exists`, or the first field in which `transfer` differs from `existing`; a balancing
    /// transfer's amount is an upper limit, so a resubmission asking at least as much `exists`.
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

    /// `left + right`, nil when it overflows 128 bits.
    private static func sum(_ left: UInt128, _ right: UInt128) -> UInt128? {
        let (value, overflow) = left.addingReportingOverflow(right)
        return overflow ? nil : value
    }
}
