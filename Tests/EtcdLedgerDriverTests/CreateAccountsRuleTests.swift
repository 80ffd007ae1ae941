// create_accounts as the etcd driver applies it, without etcd: each status TigerBeetle can
// return for the accounts the driver supports, in TigerBeetle's order of precedence (every case
// carries a second, later defect, so the order is what decides), `exists` and the first
// differing field, timestamps, and linked chains. Expectations are written by hand from
// TigerBeetle's documented semantics, never computed by the model.

import EtcdLedgerDriver
import Testing
import Workload

@Suite struct CreateAccountsRuleTests {
    /// One event, what etcd holds under its id (if anything), and the status TigerBeetle gives.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let event: Account
        let existing: Account?
        let expected: CreateAccountStatus
        var testDescription: String { name }

        init(
            _ name: String,
            _ event: Account,
            existing: Account? = nil,
            _ expected: CreateAccountStatus
        ) {
            self.name = name
            self.event = event
            self.existing = existing
            self.expected = expected
        }
    }

    static func with(_ account: Account, _ change: (inout Account) -> Void) -> Account {
        var changed = account
        change(&changed)
        return changed
    }

    static let valid = Fixture.account(7)

    static let validationCases: [Case] = [
        Case(
            "timestamp before reserved",
            with(valid) {
                $0.timestamp = 5
                $0.reserved = 1
            },
            .timestampMustBeZero
        ),
        Case(
            "reserved field before reserved flag",
            with(valid) {
                $0.reserved = 1
                $0.flags = AccountFlags(rawValue: 1 << 6)
            },
            .reservedField
        ),
        Case(
            "reserved flag before id",
            with(valid) {
                $0.flags = AccountFlags(rawValue: 1 << 15)
                $0.id = 0
            },
            .reservedFlag
        ),
        Case(
            "id zero before ledger",
            with(valid) {
                $0.id = 0
                $0.ledger = 0
            },
            .idMustNotBeZero
        ),
        Case(
            "id int max before code",
            with(valid) {
                $0.id = .max
                $0.code = 0
            },
            .idMustNotBeIntMax
        ),
        Case(
            "mutually exclusive limits before balances",
            with(valid) {
                $0.flags = [.debitsMustNotExceedCredits, .creditsMustNotExceedDebits]
                $0.debitsPending = 1
            },
            .flagsAreMutuallyExclusive
        ),
        Case(
            "debits pending before debits posted",
            with(valid) {
                $0.debitsPending = 1
                $0.debitsPosted = 1
            },
            .debitsPendingMustBeZero
        ),
        Case(
            "debits posted before credits pending",
            with(valid) {
                $0.debitsPosted = 1
                $0.creditsPending = 1
            },
            .debitsPostedMustBeZero
        ),
        Case(
            "credits pending before credits posted",
            with(valid) {
                $0.creditsPending = 1
                $0.creditsPosted = 1
            },
            .creditsPendingMustBeZero
        ),
        Case(
            "credits posted before ledger",
            with(valid) {
                $0.creditsPosted = 1
                $0.ledger = 0
            },
            .creditsPostedMustBeZero
        ),
        Case(
            "ledger before code",
            with(valid) {
                $0.ledger = 0
                $0.code = 0
            },
            .ledgerMustNotBeZero
        ),
        Case("code", with(valid) { $0.code = 0 }, .codeMustNotBeZero),
        Case("a valid account", valid, .created),
    ]

    @Test(arguments: validationCases)
    func firstFailingCheckDecides(_ testCase: Case) {
        let outcome = Fixture.createAccounts([testCase.event])
        #expect(outcome.accountStatuses == [testCase.expected])
        #expect(outcome.writtenAccounts.isEmpty == (testCase.expected != .created))
    }

    /// Account 7 as etcd holds it: every compared field set.
    static let existing = with(Fixture.stored(7, flags: [.history], timestamp: 500)) {
        $0.userData128 = 1
        $0.userData64 = 2
        $0.userData32 = 3
    }
    static let resubmitted = with(existing) { $0.timestamp = 0 }

    static let existingCases: [Case] = [
        Case("identical", resubmitted, existing: existing, .exists),
        Case(
            "flags before user data 128",
            with(resubmitted) {
                $0.flags = []
                $0.userData128 = 9
            },
            existing: existing,
            .existsWithDifferentFlags
        ),
        Case(
            "user data 128 before 64",
            with(resubmitted) {
                $0.userData128 = 9
                $0.userData64 = 9
            },
            existing: existing,
            .existsWithDifferentUserData128
        ),
        Case(
            "user data 64 before 32",
            with(resubmitted) {
                $0.userData64 = 9
                $0.userData32 = 9
            },
            existing: existing,
            .existsWithDifferentUserData64
        ),
        Case(
            "user data 32 before ledger",
            with(resubmitted) {
                $0.userData32 = 9
                $0.ledger = 9
            },
            existing: existing,
            .existsWithDifferentUserData32
        ),
        Case(
            "ledger before code",
            with(resubmitted) {
                $0.ledger = 9
                $0.code = 9
            },
            existing: existing,
            .existsWithDifferentLedger
        ),
        Case(
            "code",
            with(resubmitted) { $0.code = 9 },
            existing: existing,
            .existsWithDifferentCode
        ),
        Case(
            "an existing id wins over a zero ledger",
            with(resubmitted) { $0.ledger = 0 },
            existing: existing,
            .existsWithDifferentLedger
        ),
        Case(
            "balances are not compared",
            with(resubmitted) { $0.debitsPosted = 5 },
            existing: existing,
            .exists
        ),
        Case(
            "a timestamp is refused before the id is looked up",
            with(resubmitted) { $0.timestamp = 500 },
            existing: existing,
            .timestampMustBeZero
        ),
    ]

    @Test(arguments: existingCases)
    func existingIDComparesFieldsInOrder(_ testCase: Case) throws {
        let existing = try #require(testCase.existing)
        let outcome = Fixture.createAccounts(
            [testCase.event],
            on: Fixture.snapshot(accounts: [existing])
        )
        #expect(outcome.accountStatuses == [testCase.expected])
        #expect(outcome.writtenAccounts.isEmpty)
        let eventTimestamp = Fixture.baseTimestamp + 1
        let expectedTimestamp = testCase.expected == .exists ? existing.timestamp : eventTimestamp
        #expect(outcome.timestamps == [expectedTimestamp])
    }

    @Test func createdAccountsGetIncreasingTimestamps() {
        let outcome = Fixture.createAccounts([Fixture.account(1), Fixture.account(2)])
        #expect(outcome.accountStatuses == [.created, .created])
        #expect(outcome.timestamps == [1_001, 1_002])
        #expect(outcome.lastTimestamp == 1_002)
        #expect(outcome.writtenAccounts[1]?.timestamp == 1_001)
        #expect(outcome.writtenAccounts[2]?.timestamp == 1_002)
    }

    @Test func duplicateInOneBatchExistsWithTheFirstTimestamp() {
        let outcome = Fixture.createAccounts([Fixture.account(1), Fixture.account(1)])
        #expect(outcome.accountStatuses == [.created, .exists])
        #expect(outcome.timestamps == [1_001, 1_001])
        #expect(outcome.writtenAccounts.count == 1)
    }

    @Test func failedAccountDoesNotRetireItsID() {
        let outcome = Fixture.createAccounts([Fixture.account(1, code: 0), Fixture.account(1)])
        #expect(outcome.accountStatuses == [.codeMustNotBeZero, .created])
    }

    @Test func linkedChainCreatesEveryAccount() {
        let outcome = Fixture.createAccounts([
            Fixture.account(1, flags: .linked), Fixture.account(2, flags: .linked),
            Fixture.account(3),
        ])
        #expect(outcome.accountStatuses == [.created, .created, .created])
        #expect(outcome.writtenAccounts.keys.sorted() == [1, 2, 3])
    }

    @Test func linkedChainFailsAsAWhole() {
        let outcome = Fixture.createAccounts([
            Fixture.account(1, flags: .linked), Fixture.account(2, code: 0, flags: .linked),
            Fixture.account(3), Fixture.account(4),
        ])
        #expect(
            outcome.accountStatuses == [
                .linkedEventFailed, .codeMustNotBeZero, .linkedEventFailed, .created,
            ]
        )
        #expect(outcome.writtenAccounts.keys.sorted() == [4])
    }

    @Test func existsBreaksAChain() {
        let outcome = Fixture.createAccounts([
            Fixture.account(1, flags: .linked), Fixture.account(1, flags: .linked),
            Fixture.account(2),
        ])
        #expect(outcome.accountStatuses == [.linkedEventFailed, .exists, .linkedEventFailed])
        #expect(outcome.writtenAccounts.isEmpty)
    }

    @Test func linkedFlagIsComparedLikeAnyOtherFlag() {
        let outcome = Fixture.createAccounts([
            Fixture.account(1), Fixture.account(1, flags: .linked), Fixture.account(2),
        ])
        #expect(
            outcome.accountStatuses == [.created, .existsWithDifferentFlags, .linkedEventFailed]
        )
        #expect(outcome.writtenAccounts.keys.sorted() == [1])
    }

    @Test func chainLeftOpenAtTheEndOfTheBatchFails() {
        let outcome = Fixture.createAccounts([
            Fixture.account(1), Fixture.account(2, flags: .linked),
            Fixture.account(3, flags: .linked),
        ])
        #expect(outcome.accountStatuses == [.created, .linkedEventFailed, .linkedEventChainOpen])
        #expect(outcome.writtenAccounts.keys.sorted() == [1])
    }

    @Test func lastEventAloneLinkedIsAnOpenChain() {
        let outcome = Fixture.createAccounts([Fixture.account(1, flags: .linked)])
        #expect(outcome.accountStatuses == [.linkedEventChainOpen])
        #expect(outcome.writtenAccounts.isEmpty)
    }

    @Test func importedAccountsAreRefusedBeforeAnythingIsApplied() {
        #expect(throws: UnsupportedFeature.self) {
            try TigerBeetleRules.checkSupported(accounts: [
                Fixture.account(1), Fixture.account(2, flags: .imported),
            ])
        }
        #expect(throws: Never.self) {
            try TigerBeetleRules.checkSupported(accounts: [
                Fixture.account(1, flags: [.linked, .history, .debitsMustNotExceedCredits])
            ])
        }
    }
}
