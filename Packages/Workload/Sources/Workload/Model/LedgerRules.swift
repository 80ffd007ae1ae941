// What TigerBeetle answers to one create event, for the events the workload generates: the
// status checks in TigerBeetle's order of precedence (the declaration order of
// `CreateAccountStatus` / `CreateTransferStatus` in src/tigerbeetle.zig, which is "ordered by
// descending precedence"). Linked chains, two-phase transfers, balancing, closing and imported
// events are outside the generated subset and are not modelled.
//
// Deliberately independent of the etcd driver's `TigerBeetleRules` (Sources/EtcdLedgerDriver,
// Rules/) and of every other driver: this model is the oracle that checks the drivers' answers,
// so it must not share code with what it checks (a mistake they shared would be a mistake
// neither could catch). Only the protocol types (layouts, flags, status values) are common.

/// TigerBeetle's create rules for the modelled subset of events.
public enum LedgerRules {
    /// The account flags the rules model.
    public static let modelledAccountFlags: AccountFlags = [
        .debitsMustNotExceedCredits, .creditsMustNotExceedDebits, .history,
    ]
    /// Account flag bits TigerBeetle does not define (reserved_flag).
    static let undefinedAccountFlagBits: UInt16 = ~0 << 6
    /// Transfer flag bits TigerBeetle does not define (reserved_flag).
    static let undefinedTransferFlagBits: UInt16 = ~0 << 9

    /// True when `account` is inside the modelled subset.
    public static func isModelled(_ account: Account) -> Bool {
        let defined = AccountFlags(rawValue: account.flags.rawValue & ~undefinedAccountFlagBits)
        return modelledAccountFlags.isSuperset(of: defined)
    }

    /// True when `transfer` is inside the modelled subset (no defined flag set).
    public static func isModelled(_ transfer: Transfer) -> Bool {
        transfer.flags.rawValue & ~undefinedTransferFlagBits == 0
    }

    /// The status of creating `account` when `existing` has its id (or none does).
    public static func status(
        creating account: Account,
        existing: Account?
    ) -> CreateAccountStatus {
        precondition(isModelled(account), "account flags outside the modelled subset")
        if account.timestamp != 0 { return .timestampMustBeZero }
        if account.reserved != 0 { return .reservedField }
        if account.flags.rawValue & undefinedAccountFlagBits != 0 { return .reservedFlag }
        if account.id == 0 { return .idMustNotBeZero }
        if account.id == .max { return .idMustNotBeIntMax }
        if let existing { return existsStatus(account, existing) }
        if account.flags.contains(.debitsMustNotExceedCredits)
            && account.flags.contains(.creditsMustNotExceedDebits)
        {
            return .flagsAreMutuallyExclusive
        }
        if account.debitsPending != 0 { return .debitsPendingMustBeZero }
        if account.debitsPosted != 0 { return .debitsPostedMustBeZero }
        if account.creditsPending != 0 { return .creditsPendingMustBeZero }
        if account.creditsPosted != 0 { return .creditsPostedMustBeZero }
        if account.ledger == 0 { return .ledgerMustNotBeZero }
        if account.code == 0 { return .codeMustNotBeZero }
        return .created
    }

    private static func existsStatus(_ account: Account, _ existing: Account) -> CreateAccountStatus
    {
        if account.flags != existing.flags { return .existsWithDifferentFlags }
        if account.userData128 != existing.userData128 { return .existsWithDifferentUserData128 }
        if account.userData64 != existing.userData64 { return .existsWithDifferentUserData64 }
        if account.userData32 != existing.userData32 { return .existsWithDifferentUserData32 }
        if account.ledger != existing.ledger { return .existsWithDifferentLedger }
        if account.code != existing.code { return .existsWithDifferentCode }
        return .exists
    }

    /// The status of creating `transfer` when `existing` has its id (or none does) and `debit`
    /// and `credit` are the accounts it names (nil: not found).
    public static func status(
        creating transfer: Transfer,
        existing: Transfer?,
        debit: Account?,
        credit: Account?
    ) -> CreateTransferStatus {
        precondition(isModelled(transfer), "transfer flags outside the modelled subset")
        if transfer.timestamp != 0 { return .timestampMustBeZero }
        if transfer.flags.rawValue & undefinedTransferFlagBits != 0 { return .reservedFlag }
        if transfer.id == 0 { return .idMustNotBeZero }
        if transfer.id == .max { return .idMustNotBeIntMax }
        if let existing { return existsStatus(transfer, existing) }
        if let status = shapeStatus(transfer) { return status }
        guard let debit else { return .debitAccountNotFound }
        guard let credit else { return .creditAccountNotFound }
        if debit.ledger != credit.ledger { return .accountsMustHaveTheSameLedger }
        if transfer.ledger != debit.ledger { return .transferMustHaveTheSameLedgerAsAccounts }
        if debit.flags.contains(.closed) { return .debitAccountAlreadyClosed }
        if credit.flags.contains(.closed) { return .creditAccountAlreadyClosed }
        return balanceStatus(transfer.amount, debit: debit, credit: credit)
    }

    /// Checks that need only the transfer itself (ids, ledger, code).
    private static func shapeStatus(_ transfer: Transfer) -> CreateTransferStatus? {
        if transfer.debitAccountID == 0 { return .debitAccountIDMustNotBeZero }
        if transfer.debitAccountID == .max { return .debitAccountIDMustNotBeIntMax }
        if transfer.creditAccountID == 0 { return .creditAccountIDMustNotBeZero }
        if transfer.creditAccountID == .max { return .creditAccountIDMustNotBeIntMax }
        if transfer.debitAccountID == transfer.creditAccountID { return .accountsMustBeDifferent }
        if transfer.pendingID != 0 { return .pendingIDMustBeZero }
        if transfer.timeout != 0 { return .timeoutReservedForPendingTransfer }
        if transfer.ledger == 0 { return .ledgerMustNotBeZero }
        if transfer.code == 0 { return .codeMustNotBeZero }
        return nil
    }

    private static func balanceStatus(
        _ amount: UInt128,
        debit: Account,
        credit: Account
    ) -> CreateTransferStatus {
        let debitsPosted = debit.debitsPosted.addingReportingOverflow(amount)
        if debitsPosted.overflow { return .overflowsDebitsPosted }
        let creditsPosted = credit.creditsPosted.addingReportingOverflow(amount)
        if creditsPosted.overflow { return .overflowsCreditsPosted }
        let debits = debit.debitsPending.addingReportingOverflow(debitsPosted.partialValue)
        if debits.overflow { return .overflowsDebits }
        let credits = credit.creditsPending.addingReportingOverflow(creditsPosted.partialValue)
        if credits.overflow { return .overflowsCredits }
        if debit.flags.contains(.debitsMustNotExceedCredits)
            && debits.partialValue > debit.creditsPosted
        {
            return .exceedsCredits
        }
        if credit.flags.contains(.creditsMustNotExceedDebits)
            && credits.partialValue > credit.debitsPosted
        {
            return .exceedsDebits
        }
        return .created
    }

    private static func existsStatus(
        _ transfer: Transfer,
        _ existing: Transfer
    ) -> CreateTransferStatus {
        if transfer.flags != existing.flags { return .existsWithDifferentFlags }
        if transfer.pendingID != existing.pendingID { return .existsWithDifferentPendingID }
        if transfer.timeout != existing.timeout { return .existsWithDifferentTimeout }
        if transfer.debitAccountID != existing.debitAccountID {
            return .existsWithDifferentDebitAccountID
        }
        if transfer.creditAccountID != existing.creditAccountID {
            return .existsWithDifferentCreditAccountID
        }
        if transfer.amount != existing.amount { return .existsWithDifferentAmount }
        if transfer.userData128 != existing.userData128 { return .existsWithDifferentUserData128 }
        if transfer.userData64 != existing.userData64 { return .existsWithDifferentUserData64 }
        if transfer.userData32 != existing.userData32 { return .existsWithDifferentUserData32 }
        if transfer.ledger != existing.ledger { return .existsWithDifferentLedger }
        if transfer.code != existing.code { return .existsWithDifferentCode }
        return .exists
    }
}
