// TigerBeetle's snake_case names for the create statuses, for messages and logs
// ("expected debit_account_not_found, got created"). Spelled out (rather than derived from the
// case names at run time) so they are exactly TigerBeetle's and cost nothing to look up.

extension CreateAccountStatus: CustomStringConvertible {
    /// TigerBeetle's name of the status (`imported_event_timestamp_must_not_regress`).
    public var description: String {
        switch self {
        case .created: "created"
        case .deprecatedOK: "deprecated_ok"
        case .linkedEventFailed: "linked_event_failed"
        case .linkedEventChainOpen: "linked_event_chain_open"
        case .timestampMustBeZero: "timestamp_must_be_zero"
        case .reservedField: "reserved_field"
        case .reservedFlag: "reserved_flag"
        case .idMustNotBeZero: "id_must_not_be_zero"
        case .idMustNotBeIntMax: "id_must_not_be_int_max"
        case .flagsAreMutuallyExclusive: "flags_are_mutually_exclusive"
        case .debitsPendingMustBeZero: "debits_pending_must_be_zero"
        case .debitsPostedMustBeZero: "debits_posted_must_be_zero"
        case .creditsPendingMustBeZero: "credits_pending_must_be_zero"
        case .creditsPostedMustBeZero: "credits_posted_must_be_zero"
        case .ledgerMustNotBeZero: "ledger_must_not_be_zero"
        case .codeMustNotBeZero: "code_must_not_be_zero"
        case .existsWithDifferentFlags: "exists_with_different_flags"
        case .existsWithDifferentUserData128: "exists_with_different_user_data_128"
        case .existsWithDifferentUserData64: "exists_with_different_user_data_64"
        case .existsWithDifferentUserData32: "exists_with_different_user_data_32"
        case .existsWithDifferentLedger: "exists_with_different_ledger"
        case .existsWithDifferentCode: "exists_with_different_code"
        case .exists: "exists"
        case .importedEventExpected: "imported_event_expected"
        case .importedEventNotExpected: "imported_event_not_expected"
        case .importedEventTimestampOutOfRange: "imported_event_timestamp_out_of_range"
        case .importedEventTimestampMustNotAdvance: "imported_event_timestamp_must_not_advance"
        case .importedEventTimestampMustNotRegress: "imported_event_timestamp_must_not_regress"
        }
    }

    /// The name of a raw status value, or `unknown status <n>`.
    public static func name(of rawValue: UInt32) -> String {
        CreateAccountStatus(rawValue: rawValue)?.description ?? "unknown status \(rawValue)"
    }
}

extension CreateTransferStatus: CustomStringConvertible {
    /// TigerBeetle's name of the status (`id_already_failed`).
    public var description: String {
        switch self {
        case .created: "created"
        case .deprecatedOK: "deprecated_ok"
        case .linkedEventFailed: "linked_event_failed"
        case .linkedEventChainOpen: "linked_event_chain_open"
        case .timestampMustBeZero: "timestamp_must_be_zero"
        case .reservedFlag: "reserved_flag"
        case .idMustNotBeZero: "id_must_not_be_zero"
        case .idMustNotBeIntMax: "id_must_not_be_int_max"
        case .flagsAreMutuallyExclusive: "flags_are_mutually_exclusive"
        case .debitAccountIDMustNotBeZero: "debit_account_id_must_not_be_zero"
        case .debitAccountIDMustNotBeIntMax: "debit_account_id_must_not_be_int_max"
        case .creditAccountIDMustNotBeZero: "credit_account_id_must_not_be_zero"
        case .creditAccountIDMustNotBeIntMax: "credit_account_id_must_not_be_int_max"
        case .accountsMustBeDifferent: "accounts_must_be_different"
        case .pendingIDMustBeZero: "pending_id_must_be_zero"
        case .pendingIDMustNotBeZero: "pending_id_must_not_be_zero"
        case .pendingIDMustNotBeIntMax: "pending_id_must_not_be_int_max"
        case .pendingIDMustBeDifferent: "pending_id_must_be_different"
        case .timeoutReservedForPendingTransfer: "timeout_reserved_for_pending_transfer"
        case .deprecated18: "deprecated_18"
        case .ledgerMustNotBeZero: "ledger_must_not_be_zero"
        case .codeMustNotBeZero: "code_must_not_be_zero"
        case .debitAccountNotFound: "debit_account_not_found"
        case .creditAccountNotFound: "credit_account_not_found"
        case .accountsMustHaveTheSameLedger: "accounts_must_have_the_same_ledger"
        case .transferMustHaveTheSameLedgerAsAccounts:
            "transfer_must_have_the_same_ledger_as_accounts"
        case .pendingTransferNotFound: "pending_transfer_not_found"
        case .pendingTransferNotPending: "pending_transfer_not_pending"
        case .pendingTransferHasDifferentDebitAccountID:
            "pending_transfer_has_different_debit_account_id"
        case .pendingTransferHasDifferentCreditAccountID:
            "pending_transfer_has_different_credit_account_id"
        case .pendingTransferHasDifferentLedger: "pending_transfer_has_different_ledger"
        case .pendingTransferHasDifferentCode: "pending_transfer_has_different_code"
        case .exceedsPendingTransferAmount: "exceeds_pending_transfer_amount"
        case .pendingTransferHasDifferentAmount: "pending_transfer_has_different_amount"
        case .pendingTransferAlreadyPosted: "pending_transfer_already_posted"
        case .pendingTransferAlreadyVoided: "pending_transfer_already_voided"
        case .pendingTransferExpired: "pending_transfer_expired"
        case .existsWithDifferentFlags: "exists_with_different_flags"
        case .existsWithDifferentDebitAccountID: "exists_with_different_debit_account_id"
        case .existsWithDifferentCreditAccountID: "exists_with_different_credit_account_id"
        case .existsWithDifferentAmount: "exists_with_different_amount"
        case .existsWithDifferentPendingID: "exists_with_different_pending_id"
        case .existsWithDifferentUserData128: "exists_with_different_user_data_128"
        case .existsWithDifferentUserData64: "exists_with_different_user_data_64"
        case .existsWithDifferentUserData32: "exists_with_different_user_data_32"
        case .existsWithDifferentTimeout: "exists_with_different_timeout"
        case .existsWithDifferentCode: "exists_with_different_code"
        case .exists: "exists"
        case .overflowsDebitsPending: "overflows_debits_pending"
        case .overflowsCreditsPending: "overflows_credits_pending"
        case .overflowsDebitsPosted: "overflows_debits_posted"
        case .overflowsCreditsPosted: "overflows_credits_posted"
        case .overflowsDebits: "overflows_debits"
        case .overflowsCredits: "overflows_credits"
        case .overflowsTimeout: "overflows_timeout"
        case .exceedsCredits: "exceeds_credits"
        case .exceedsDebits: "exceeds_debits"
        case .importedEventExpected: "imported_event_expected"
        case .importedEventNotExpected: "imported_event_not_expected"
        case .importedEventTimestampOutOfRange: "imported_event_timestamp_out_of_range"
        case .importedEventTimestampMustNotAdvance: "imported_event_timestamp_must_not_advance"
        case .importedEventTimestampMustNotRegress: "imported_event_timestamp_must_not_regress"
        case .importedEventTimestampMustPostdateDebitAccount:
            "imported_event_timestamp_must_postdate_debit_account"
        case .importedEventTimestampMustPostdateCreditAccount:
            "imported_event_timestamp_must_postdate_credit_account"
        case .importedEventTimeoutMustBeZero: "imported_event_timeout_must_be_zero"
        case .closingTransferMustBePending: "closing_transfer_must_be_pending"
        case .debitAccountAlreadyClosed: "debit_account_already_closed"
        case .creditAccountAlreadyClosed: "credit_account_already_closed"
        case .existsWithDifferentLedger: "exists_with_different_ledger"
        case .idAlreadyFailed: "id_already_failed"
        }
    }

    /// The name of a raw status value, or `unknown status <n>`.
    public static func name(of rawValue: UInt32) -> String {
        CreateTransferStatus(rawValue: rawValue)?.description ?? "unknown status \(rawValue)"
    }
}
