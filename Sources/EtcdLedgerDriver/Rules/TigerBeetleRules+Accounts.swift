// create_accounts for one event, in TigerBeetle's order of precedence: timestamp, reserved field
// and flags, id, an existing id (`exists` or the first differing field), the shape of the new
// account (mutually exclusive flags, non-zero balances, ledger, code). No account status is
// transient in TigerBeetle, so a failed account never retires its id.

import Workload

extension TigerBeetleRules {
    /// Creates `account` with `timestamp`, or returns the status that refuses it.
    mutating func createAccount(_ account: Account, timestamp: UInt64) -> EventResult {
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

    /// `exists`, or the first field in which `account` differs from `existing`.
    private static func compare(_ account: Account, _ existing: Account) -> CreateAccountStatus {
        if account.flags != existing.flags { return .existsWithDifferentFlags }
        if account.userData128 != existing.userData128 { return .existsWithDifferentUserData128 }
        if account.userData64 != existing.userData64 { return .existsWithDifferentUserData64 }
        if account.userData32 != existing.userData32 { return .existsWithDifferentUserData32 }
        if account.ledger != existing.ledger { return .existsWithDifferentLedger }
        if account.code != existing.code { return .existsWithDifferentCode }
        return .exists
    }
}
