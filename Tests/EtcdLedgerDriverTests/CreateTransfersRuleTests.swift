// create_transfers as the etcd driver applies it, without etcd: each status TigerBeetle can
// return for the plain and balancing transfers the driver supports, in TigerBeetle's order of
// precedence (every case carries a second, later defect, so the order is what decides), and
// `exists` with the first differing field. Effects (balances, retired ids, balancing, chains)
// are in TransferEffectsRuleTests. Expectations are written by hand from TigerBeetle's
// documented semantics, never computed by the model.

import EtcdLedgerDriver
import Testing
import Workload

@Suite struct CreateTransfersRuleTests {
    /// One event and the status TigerBeetle gives it on `ledger`.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let event: Transfer
        let expected: CreateTransferStatus
        var testDescription: String { name }

        init(_ name: String, _ event: Transfer, _ expected: CreateTransferStatus) {
            self.name = name
            self.event = event
            self.expected = expected
        }
    }

    static func with(_ transfer: Transfer, _ change: (inout Transfer) -> Void) -> Transfer {
        var changed = transfer
        change(&changed)
        return changed
    }

    static let nearlyFull = UInt128.max - 5

    /// Accounts 1, 2 (ledger 1), 3 (ledger 2), 4 and 5 (closed), 6 (debits ≤ credits, 100 of
    /// credits), 7 (credits ≤ debits, 100 of debits), 8 to 11 (one balance near 2^128), the
    /// transfer 50 and the id 60 retired by an earlier failure.
    static let ledger = Fixture.snapshot(
        accounts: [
            Fixture.stored(1), Fixture.stored(2), Fixture.stored(3, ledger: 2),
            Fixture.stored(4, flags: .closed), Fixture.stored(5, flags: .closed),
            Fixture.stored(6, flags: .debitsMustNotExceedCredits, creditsPosted: 100),
            Fixture.stored(7, flags: .creditsMustNotExceedDebits, debitsPosted: 100),
            Fixture.stored(8, debitsPosted: nearlyFull),
            Fixture.stored(9, creditsPosted: nearlyFull),
            Fixture.stored(10, debitsPending: nearlyFull),
            Fixture.stored(11, creditsPending: nearlyFull),
        ],
        transfers: [existing],
        retired: [60: .debitAccountNotFound]
    )

    static let valid = Fixture.transfer(70, from: 1, to: 2, amount: 10)

    static let validationCases: [Case] = [
        Case(
            "timestamp before reserved flag",
            with(valid) {
                $0.timestamp = 1
                $0.flags = TransferFlags(rawValue: 1 << 9)
            },
            .timestampMustBeZero
        ),
        Case(
            "reserved flag before id",
            with(valid) {
                $0.flags = TransferFlags(rawValue: 1 << 15)
                $0.id = 0
            },
            .reservedFlag
        ),
        Case(
            "id zero before debit account",
            with(valid) {
                $0.id = 0
                $0.debitAccountID = 0
            },
            .idMustNotBeZero
        ),
        Case("id int max", with(valid) { $0.id = .max }, .idMustNotBeIntMax),
        Case(
            "retired id before debit account",
            with(valid) {
                $0.id = 60
                $0.debitAccountID = 0
            },
            .idAlreadyFailed
        ),
        Case(
            "debit id zero before credit id",
            with(valid) {
                $0.debitAccountID = 0
                $0.creditAccountID = 0
            },
            .debitAccountIDMustNotBeZero
        ),
        Case(
            "debit id int max before credit id",
            with(valid) {
                $0.debitAccountID = .max
                $0.creditAccountID = 0
            },
            .debitAccountIDMustNotBeIntMax
        ),
        Case(
            "credit id zero before pending id",
            with(valid) {
                $0.creditAccountID = 0
                $0.pendingID = 9
            },
            .creditAccountIDMustNotBeZero
        ),
        Case(
            "credit id int max",
            with(valid) { $0.creditAccountID = .max },
            .creditAccountIDMustNotBeIntMax
        ),
        Case(
            "same accounts before pending id",
            with(valid) {
                $0.creditAccountID = 1
                $0.pendingID = 9
            },
            .accountsMustBeDifferent
        ),
        Case(
            "pending id before timeout",
            with(valid) {
                $0.pendingID = 9
                $0.timeout = 1
            },
            .pendingIDMustBeZero
        ),
        Case(
            "timeout before ledger",
            with(valid) {
                $0.timeout = 1
                $0.ledger = 0
            },
            .timeoutReservedForPendingTransfer
        ),
        Case(
            "ledger before code",
            with(valid) {
                $0.ledger = 0
                $0.code = 0
            },
            .ledgerMustNotBeZero
        ),
        Case(
            "code before the accounts",
            with(valid) {
                $0.code = 0
                $0.debitAccountID = 99
            },
            .codeMustNotBeZero
        ),
        Case(
            "debit account before credit account",
            Fixture.transfer(70, from: 98, to: 99, amount: 10),
            .debitAccountNotFound
        ),
        Case(
            "credit account before ledgers",
            Fixture.transfer(70, from: 3, to: 99, amount: 10),
            .creditAccountNotFound
        ),
        Case(
            "accounts' ledgers before the transfer's",
            Fixture.transfer(70, from: 1, to: 3, amount: 10, ledger: 2),
            .accountsMustHaveTheSameLedger
        ),
        Case(
            "transfer's ledger before closed accounts",
            Fixture.transfer(70, from: 4, to: 2, amount: 10, ledger: 2),
            .transferMustHaveTheSameLedgerAsAccounts
        ),
        Case(
            "debit closed before credit closed",
            Fixture.transfer(70, from: 4, to: 5, amount: 10),
            .debitAccountAlreadyClosed
        ),
        Case(
            "credit closed before overflows",
            Fixture.transfer(70, from: 8, to: 5, amount: 10),
            .creditAccountAlreadyClosed
        ),
        Case(
            "debits posted before credits posted",
            Fixture.transfer(70, from: 8, to: 9, amount: 10),
            .overflowsDebitsPosted
        ),
        Case(
            "credits posted before debits with pending",
            Fixture.transfer(70, from: 10, to: 9, amount: 10),
            .overflowsCreditsPosted
        ),
        Case(
            "debits with pending before credits with pending",
            Fixture.transfer(70, from: 10, to: 11, amount: 10),
            .overflowsDebits
        ),
        Case(
            "credits with pending before limits",
            Fixture.transfer(70, from: 6, to: 11, amount: 101),
            .overflowsCredits
        ),
        Case(
            "exceeds credits before exceeds debits",
            Fixture.transfer(70, from: 6, to: 7, amount: 101),
            .exceedsCredits
        ),
        Case("exceeds debits", Fixture.transfer(70, from: 1, to: 7, amount: 101), .exceedsDebits),
        Case("up to the limits", Fixture.transfer(70, from: 6, to: 7, amount: 100), .created),
        Case("amount zero", Fixture.transfer(70, from: 1, to: 2, amount: 0), .created),
    ]

    @Test(arguments: validationCases)
    func firstFailingCheckDecides(_ testCase: Case) {
        let outcome = Fixture.createTransfers([testCase.event], on: Self.ledger)
        #expect(outcome.transferStatuses == [testCase.expected])
        #expect(outcome.timestamps == [Fixture.baseTimestamp + 1])
        if testCase.expected != .created {
            #expect(outcome.writtenAccounts.isEmpty)
        }
    }

    /// Transfer 50 as etcd holds it: every compared field set.
    static let existing = Transfer(
        id: 50,
        debitAccountID: 1,
        creditAccountID: 2,
        amount: 10,
        userData128: 1,
        userData64: 2,
        userData32: 3,
        ledger: 1,
        code: 1,
        timestamp: 700
    )
    static let resubmitted = with(existing) { $0.timestamp = 0 }

    static let existingCases: [Case] = [
        Case("identical", resubmitted, .exists),
        Case(
            "flags before pending id",
            with(resubmitted) {
                $0.flags = .balancingDebit
                $0.pendingID = 9
            },
            .existsWithDifferentFlags
        ),
        Case(
            "pending id before timeout (and before pending_id_must_be_zero)",
            with(resubmitted) {
                $0.pendingID = 9
                $0.timeout = 9
            },
            .existsWithDifferentPendingID
        ),
        Case(
            "timeout before debit account",
            with(resubmitted) {
                $0.timeout = 9
                $0.debitAccountID = 9
            },
            .existsWithDifferentTimeout
        ),
        Case(
            "debit account before credit account",
            with(resubmitted) {
                $0.debitAccountID = 9
                $0.creditAccountID = 9
            },
            .existsWithDifferentDebitAccountID
        ),
        Case(
            "credit account before amount",
            with(resubmitted) {
                $0.creditAccountID = 9
                $0.amount = 9
            },
            .existsWithDifferentCreditAccountID
        ),
        Case(
            "amount before user data 128",
            with(resubmitted) {
                $0.amount = 11
                $0.userData128 = 9
            },
            .existsWithDifferentAmount
        ),
        Case(
            "user data 128 before 64",
            with(resubmitted) {
                $0.userData128 = 9
                $0.userData64 = 9
            },
            .existsWithDifferentUserData128
        ),
        Case(
            "user data 64 before 32",
            with(resubmitted) {
                $0.userData64 = 9
                $0.userData32 = 9
            },
            .existsWithDifferentUserData64
        ),
        Case(
            "user data 32 before ledger",
            with(resubmitted) {
                $0.userData32 = 9
                $0.ledger = 9
            },
            .existsWithDifferentUserData32
        ),
        Case(
            "ledger before code",
            with(resubmitted) {
                $0.ledger = 9
                $0.code = 9
            },
            .existsWithDifferentLedger
        ),
        Case("code", with(resubmitted) { $0.code = 9 }, .existsWithDifferentCode),
        Case(
            "an existing id wins over a missing account",
            with(resubmitted) { $0.debitAccountID = 99 },
            .existsWithDifferentDebitAccountID
        ),
        Case(
            "a timestamp is refused before the id is looked up",
            with(resubmitted) { $0.timestamp = 700 },
            .timestampMustBeZero
        ),
    ]

    @Test(arguments: existingCases)
    func existingIDComparesFieldsInOrder(_ testCase: Case) {
        let outcome = Fixture.createTransfers([testCase.event], on: Self.ledger)
        #expect(outcome.transferStatuses == [testCase.expected])
        #expect(outcome.writtenAccounts.isEmpty)
        #expect(outcome.writtenTransfers.isEmpty)
        let eventTimestamp = Fixture.baseTimestamp + 1
        let expectedTimestamp =
            testCase.expected == .exists ? Self.existing.timestamp : eventTimestamp
        #expect(outcome.timestamps == [expectedTimestamp])
    }

    @Test func unsupportedTransfersAreRefusedBeforeAnythingIsApplied() {
        let refused: [TransferFlags] = [
            .pending, .postPendingTransfer, .voidPendingTransfer, .closingDebit, .closingCredit,
            .imported,
        ]
        for flags in refused {
            #expect(throws: UnsupportedFeature.self, "flags \(flags.rawValue)") {
                try TigerBeetleRules.checkSupported(transfers: [
                    Self.valid, Fixture.transfer(71, from: 1, to: 2, amount: 1, flags: flags),
                ])
            }
        }
        #expect(throws: Never.self) {
            try TigerBeetleRules.checkSupported(transfers: [
                Fixture.transfer(
                    71,
                    from: 1,
                    to: 2,
                    amount: 1,
                    flags: [.linked, .balancingDebit, .balancingCredit]
                )
            ])
        }
    }
}
