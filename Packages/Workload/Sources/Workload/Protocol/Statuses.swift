// TigerBeetle's create statuses with their exact numeric values, so a driver for any system
// answers failures the way TigerBeetle would and the model can check them.
// Source: tigerbeetle/tigerbeetle src/tigerbeetle.zig, `CreateAccountStatus` and
// `CreateTransferStatus` of release 0.17.x (dense create results, `created = 0xFFFF_FFFF`,
// `deprecated_ok = 0`); the error values are the ones of 0.16.x `CreateAccountResult` and
// `CreateTransferResult` (the enum was renamed, not renumbered; cross-checked against tb_client.h
// `TB_CREATE_ACCOUNT_STATUS` / `TB_CREATE_TRANSFER_STATUS`).

/// The status of one event of create_accounts.
public enum CreateAccountStatus: UInt32, Sendable, CaseIterable {
    /// The account was created.
    case created = 0xFFFF_FFFF
    /// The success value of the sparse results before 0.17.0 (never listed in a sparse reply).
    case deprecatedOK = 0
    /// TigerBeetle's `linked_event_failed`.
    case linkedEventFailed = 1
    /// TigerBeetle's `linked_event_chain_open`.
    case linkedEventChainOpen = 2
    /// TigerBeetle's `timestamp_must_be_zero`.
    case timestampMustBeZero = 3
    /// TigerBeetle's `reserved_field`.
    case reservedField = 4
    /// TigerBeetle's `reserved_flag`.
    case reservedFlag = 5
    /// TigerBeetle's `id_must_not_be_zero`.
    case idMustNotBeZero = 6
    /// TigerBeetle's `id_must_not_be_int_max`.
    case idMustNotBeIntMax = 7
    /// TigerBeetle's `flags_are_mutually_exclusive`.
    case flagsAreMutuallyExclusive = 8
    /// TigerBeetle's `debits_pending_must_be_zero`.
    case debitsPendingMustBeZero = 9
    /// TigerBeetle's `debits_posted_must_be_zero`.
    case debitsPostedMustBeZero = 10
    /// TigerBeetle's `credits_pending_must_be_zero`.
    case creditsPendingMustBeZero = 11
    /// TigerBeetle's `credits_posted_must_be_zero`.
    case creditsPostedMustBeZero = 12
    /// TigerBeetle's `ledger_must_not_be_zero`.
    case ledgerMustNotBeZero = 13
    /// TigerBeetle's `code_must_not_be_zero`.
    case codeMustNotBeZero = 14
    /// TigerBeetle's `exists_with_different_flags`.
    case existsWithDifferentFlags = 15
    /// TigerBeetle's `exists_with_different_user_data_128`.
    case existsWithDifferentUserData128 = 16
    /// TigerBeetle's `exists_with_different_user_data_64`.
    case existsWithDifferentUserData64 = 17
    /// TigerBeetle's `exists_with_different_user_data_32`.
    case existsWithDifferentUserData32 = 18
    /// TigerBeetle's `exists_with_different_ledger`.
    case existsWithDifferentLedger = 19
    /// TigerBeetle's `exists_with_different_code`.
    case existsWithDifferentCode = 20
    /// An account with this id and identical fields exists already (an idempotent retry).
    case exists = 21
    /// TigerBeetle's `imported_event_expected`.
    case importedEventExpected = 22
    /// TigerBeetle's `imported_event_not_expected`.
    case importedEventNotExpected = 23
    /// TigerBeetle's `imported_event_timestamp_out_of_range`.
    case importedEventTimestampOutOfRange = 24
    /// TigerBeetle's `imported_event_timestamp_must_not_advance`.
    case importedEventTimestampMustNotAdvance = 25
    /// TigerBeetle's `imported_event_timestamp_must_not_regress`.
    case importedEventTimestampMustNotRegress = 26
}

/// The status of one event of create_transfers.
public enum CreateTransferStatus: UInt32, Sendable, CaseIterable {
    /// The transfer was created.
    case created = 0xFFFF_FFFF
    /// The success value of the sparse results before 0.17.0 (never listed in a sparse reply).
    case deprecatedOK = 0
    /// TigerBeetle's `linked_event_failed`.
    case linkedEventFailed = 1
    /// TigerBeetle's `linked_event_chain_open`.
    case linkedEventChainOpen = 2
    /// TigerBeetle's `timestamp_must_be_zero`.
    case timestampMustBeZero = 3
    /// TigerBeetle's `reserved_flag`.
    case reservedFlag = 4
    /// TigerBeetle's `id_must_not_be_zero`.
    case idMustNotBeZero = 5
    /// TigerBeetle's `id_must_not_be_int_max`.
    case idMustNotBeIntMax = 6
    /// TigerBeetle's `flags_are_mutually_exclusive`.
    case flagsAreMutuallyExclusive = 7
    /// TigerBeetle's `debit_account_id_must_not_be_zero`.
    case debitAccountIDMustNotBeZero = 8
    /// TigerBeetle's `debit_account_id_must_not_be_int_max`.
    case debitAccountIDMustNotBeIntMax = 9
    /// TigerBeetle's `credit_account_id_must_not_be_zero`.
    case creditAccountIDMustNotBeZero = 10
    /// TigerBeetle's `credit_account_id_must_not_be_int_max`.
    case creditAccountIDMustNotBeIntMax = 11
    /// TigerBeetle's `accounts_must_be_different`.
    case accountsMustBeDifferent = 12
    /// TigerBeetle's `pending_id_must_be_zero`.
    case pendingIDMustBeZero = 13
    /// TigerBeetle's `pending_id_must_not_be_zero`.
    case pendingIDMustNotBeZero = 14
    /// TigerBeetle's `pending_id_must_not_be_int_max`.
    case pendingIDMustNotBeIntMax = 15
    /// TigerBeetle's `pending_id_must_be_different`.
    case pendingIDMustBeDifferent = 16
    /// TigerBeetle's `timeout_reserved_for_pending_transfer`.
    case timeoutReservedForPendingTransfer = 17
    /// Was `amount_must_not_be_zero`; zero amounts are allowed since 0.16.
    case deprecated18 = 18
    /// TigerBeetle's `ledger_must_not_be_zero`.
    case ledgerMustNotBeZero = 19
    /// TigerBeetle's `code_must_not_be_zero`.
    case codeMustNotBeZero = 20
    /// TigerBeetle's `debit_account_not_found`.
    case debitAccountNotFound = 21
    /// TigerBeetle's `credit_account_not_found`.
    case creditAccountNotFound = 22
    /// TigerBeetle's `accounts_must_have_the_same_ledger`.
    case accountsMustHaveTheSameLedger = 23
    /// TigerBeetle's `transfer_must_have_the_same_ledger_as_accounts`.
    case transferMustHaveTheSameLedgerAsAccounts = 24
    /// TigerBeetle's `pending_transfer_not_found`.
    case pendingTransferNotFound = 25
    /// TigerBeetle's `pending_transfer_not_pending`.
    case pendingTransferNotPending = 26
    /// TigerBeetle's `pending_transfer_has_different_debit_account_id`.
    case pendingTransferHasDifferentDebitAccountID = 27
    /// TigerBeetle's `pending_transfer_has_different_credit_account_id`.
    case pendingTransferHasDifferentCreditAccountID = 28
    /// TigerBeetle's `pending_transfer_has_different_ledger`.
    case pendingTransferHasDifferentLedger = 29
    /// TigerBeetle's `pending_transfer_has_different_code`.
    case pendingTransferHasDifferentCode = 30
    /// TigerBeetle's `exceeds_pending_transfer_amount`.
    case exceedsPendingTransferAmount = 31
    /// TigerBeetle's `pending_transfer_has_different_amount`.
    case pendingTransferHasDifferentAmount = 32
    /// TigerBeetle's `pending_transfer_already_posted`.
    case pendingTransferAlreadyPosted = 33
    /// TigerBeetle's `pending_transfer_already_voided`.
    case pendingTransferAlreadyVoided = 34
    /// TigerBeetle's `pending_transfer_expired`.
    case pendingTransferExpired = 35
    /// TigerBeetle's `exists_with_different_flags`.
    case existsWithDifferentFlags = 36
    /// TigerBeetle's `exists_with_different_debit_account_id`.
    case existsWithDifferentDebitAccountID = 37
    /// TigerBeetle's `exists_with_different_credit_account_id`.
    case existsWithDifferentCreditAccountID = 38
    /// TigerBeetle's `exists_with_different_amount`.
    case existsWithDifferentAmount = 39
    /// TigerBeetle's `exists_with_different_pending_id`.
    case existsWithDifferentPendingID = 40
    /// TigerBeetle's `exists_with_different_user_data_128`.
    case existsWithDifferentUserData128 = 41
    /// TigerBeetle's `exists_with_different_user_data_64`.
    case existsWithDifferentUserData64 = 42
    /// TigerBeetle's `exists_with_different_user_data_32`.
    case existsWithDifferentUserData32 = 43
    /// TigerBeetle's `exists_with_different_timeout`.
    case existsWithDifferentTimeout = 44
    /// TigerBeetle's `exists_with_different_code`.
    case existsWithDifferentCode = 45
    /// A transfer with this id and identical fields exists already (an idempotent retry).
    case exists = 46
    /// TigerBeetle's `overflows_debits_pending`.
    case overflowsDebitsPending = 47
    /// TigerBeetle's `overflows_credits_pending`.
    case overflowsCreditsPending = 48
    /// TigerBeetle's `overflows_debits_posted`.
    case overflowsDebitsPosted = 49
    /// TigerBeetle's `overflows_credits_posted`.
    case overflowsCreditsPosted = 50
    /// TigerBeetle's `overflows_debits`.
    case overflowsDebits = 51
    /// TigerBeetle's `overflows_credits`.
    case overflowsCredits = 52
    /// TigerBeetle's `overflows_timeout`.
    case overflowsTimeout = 53
    /// TigerBeetle's `exceeds_credits`.
    case exceedsCredits = 54
    /// TigerBeetle's `exceeds_debits`.
    case exceedsDebits = 55
    /// TigerBeetle's `imported_event_expected`.
    case importedEventExpected = 56
    /// TigerBeetle's `imported_event_not_expected`.
    case importedEventNotExpected = 57
    /// TigerBeetle's `imported_event_timestamp_out_of_range`.
    case importedEventTimestampOutOfRange = 58
    /// TigerBeetle's `imported_event_timestamp_must_not_advance`.
    case importedEventTimestampMustNotAdvance = 59
    /// TigerBeetle's `imported_event_timestamp_must_not_regress`.
    case importedEventTimestampMustNotRegress = 60
    /// TigerBeetle's `imported_event_timestamp_must_postdate_debit_account`.
    case importedEventTimestampMustPostdateDebitAccount = 61
    /// TigerBeetle's `imported_event_timestamp_must_postdate_credit_account`.
    case importedEventTimestampMustPostdateCreditAccount = 62
    /// TigerBeetle's `imported_event_timeout_must_be_zero`.
    case importedEventTimeoutMustBeZero = 63
    /// TigerBeetle's `closing_transfer_must_be_pending`.
    case closingTransferMustBePending = 64
    /// TigerBeetle's `debit_account_already_closed`.
    case debitAccountAlreadyClosed = 65
    /// TigerBeetle's `credit_account_already_closed`.
    case creditAccountAlreadyClosed = 66
    /// TigerBeetle's `exists_with_different_ledger`.
    case existsWithDifferentLedger = 67
    /// TigerBeetle's `id_already_failed`.
    case idAlreadyFailed = 68
}
