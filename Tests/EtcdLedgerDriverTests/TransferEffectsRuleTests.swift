// What create_transfers leaves behind, as the etcd driver applies it without etcd: balances and
// timestamps, ids retired by TigerBeetle's transient statuses (and only by those:
// `CreateTransferResult.transient()` in src/tigerbeetle.zig), balancing transfers that clamp
// the amount, and linked chains that fail as a whole. Expectations are written by hand from
// TigerBeetle's documented semantics, never computed by the model.

import EtcdLedgerDriver
import Testing
import Workload

@Suite struct TransferEffectsRuleTests {
    /// Accounts 1, 2 (plain), 3 (closed), 4 (debits ≤ credits, 100 of credits), 5 (credits ≤
    /// debits, 100 of debits), 6 (a debits-posted balance near 2^128).
    static let ledger = Fixture.snapshot(accounts: [
        Fixture.stored(1), Fixture.stored(2), Fixture.stored(3, flags: .closed),
        Fixture.stored(4, flags: .debitsMustNotExceedCredits, creditsPosted: 100),
        Fixture.stored(5, flags: .creditsMustNotExceedDebits, debitsPosted: 100),
        Fixture.stored(6, debitsPosted: UInt128.max - 5),
    ])

    @Test func createdTransferMovesTheAmount() {
        let outcome = Fixture.createTransfers(
            [Fixture.transfer(10, from: 1, to: 2, amount: 30)],
            on: Self.ledger
        )
        #expect(outcome.transferStatuses == [.created])
        #expect(outcome.timestamps == [1_001])
        #expect(outcome.lastTimestamp == 1_001)
        #expect(outcome.writtenAccounts[1]?.debitsPosted == 30)
        #expect(outcome.writtenAccounts[2]?.creditsPosted == 30)
        var expected = Fixture.transfer(10, from: 1, to: 2, amount: 30)
        expected.timestamp = 1_001
        #expect(outcome.writtenTransfers[10] == .created(expected))
    }

    @Test func laterEventsSeeEarlierEffects() {
        let outcome = Fixture.createTransfers(
            [
                Fixture.transfer(10, from: 4, to: 1, amount: 60),
                Fixture.transfer(11, from: 4, to: 1, amount: 60),
                Fixture.transfer(12, from: 2, to: 4, amount: 20),
                Fixture.transfer(13, from: 4, to: 1, amount: 60),
                Fixture.transfer(10, from: 4, to: 1, amount: 60),
            ],
            on: Self.ledger
        )
        #expect(
            outcome.transferStatuses == [.created, .exceedsCredits, .created, .created, .exists]
        )
        #expect(outcome.timestamps == [1_001, 1_002, 1_003, 1_004, 1_001])
        #expect(outcome.writtenAccounts[4]?.debitsPosted == 120)
        #expect(outcome.writtenAccounts[4]?.creditsPosted == 120)
    }

    /// A transfer that fails with each transient status, on `ledger`.
    static let transientFailures: [(CreateTransferStatus, Transfer)] = [
        (.debitAccountNotFound, Fixture.transfer(20, from: 99, to: 2, amount: 1)),
        (.creditAccountNotFound, Fixture.transfer(20, from: 1, to: 99, amount: 1)),
        (.exceedsCredits, Fixture.transfer(20, from: 4, to: 2, amount: 101)),
        (.exceedsDebits, Fixture.transfer(20, from: 1, to: 5, amount: 101)),
        (.debitAccountAlreadyClosed, Fixture.transfer(20, from: 3, to: 2, amount: 1)),
        (.creditAccountAlreadyClosed, Fixture.transfer(20, from: 1, to: 3, amount: 1)),
    ]

    @Test(arguments: transientFailures)
    func transientFailureRetiresTheID(_ status: CreateTransferStatus, _ failing: Transfer) {
        let outcome = Fixture.createTransfers(
            [failing, Fixture.transfer(20, from: 1, to: 2, amount: 1)],
            on: Self.ledger
        )
        #expect(outcome.transferStatuses == [status, .idAlreadyFailed])
        #expect(outcome.writtenTransfers == [20: .retired(status)])
        #expect(outcome.writtenAccounts.isEmpty)
    }

    /// A transfer that fails with a status TigerBeetle does not count as transient, on `ledger`.
    static let permanentFailures: [(CreateTransferStatus, Transfer)] = [
        (.accountsMustBeDifferent, Fixture.transfer(20, from: 1, to: 1, amount: 1)),
        (.codeMustNotBeZero, Fixture.transfer(20, from: 1, to: 2, amount: 1, code: 0)),
        (
            .transferMustHaveTheSameLedgerAsAccounts,
            Fixture.transfer(20, from: 1, to: 2, amount: 1, ledger: 2)
        ),
        (.overflowsDebitsPosted, Fixture.transfer(20, from: 6, to: 2, amount: 10)),
    ]

    @Test(arguments: permanentFailures)
    func permanentFailureLeavesTheIDFree(_ status: CreateTransferStatus, _ failing: Transfer) {
        let outcome = Fixture.createTransfers(
            [failing, Fixture.transfer(20, from: 1, to: 2, amount: 1)],
            on: Self.ledger
        )
        #expect(outcome.transferStatuses == [status, .created])
    }

    @Test func idRetiredInEtcdStaysRetired() {
        let ledger = Fixture.snapshot(
            accounts: [Fixture.stored(1), Fixture.stored(2)],
            retired: [20: .exceedsCredits]
        )
        let outcome = Fixture.createTransfers(
            [Fixture.transfer(20, from: 1, to: 2, amount: 1)],
            on: ledger
        )
        #expect(outcome.transferStatuses == [.idAlreadyFailed])
        #expect(outcome.writtenTransfers.isEmpty)
    }

    /// Account 7: 100 posted credits, 30 posted and 20 pending debits (50 left to debit);
    /// account 8: 100 posted debits, 40 posted credits (60 left to credit).
    static let balancingLedger = Fixture.snapshot(accounts: [
        Fixture.stored(1), Fixture.stored(2),
        Fixture.stored(7, debitsPending: 20, debitsPosted: 30, creditsPosted: 100),
        Fixture.stored(8, debitsPosted: 100, creditsPosted: 40),
    ])

    /// A balancing transfer on `balancingLedger` and the amount it moves.
    struct BalancingCase: CustomTestStringConvertible, Sendable {
        let flags: TransferFlags
        let debit: UInt128
        let credit: UInt128
        let requested: UInt128
        let moved: UInt128
        var testDescription: String {
            "flags 0x\(String(flags.rawValue, radix: 16)) \(debit)→\(credit) asks \(requested)"
        }
    }

    static let balancingCases = [
        BalancingCase(flags: .balancingDebit, debit: 7, credit: 2, requested: 1_000, moved: 50),
        BalancingCase(flags: .balancingDebit, debit: 7, credit: 2, requested: 35, moved: 35),
        BalancingCase(flags: .balancingDebit, debit: 1, credit: 2, requested: 1_000, moved: 0),
        BalancingCase(flags: .balancingCredit, debit: 1, credit: 8, requested: 1_000, moved: 60),
        BalancingCase(
            flags: [.balancingDebit, .balancingCredit],
            debit: 7,
            credit: 8,
            requested: 1_000,
            moved: 50
        ),
    ]

    @Test(arguments: balancingCases)
    func balancingTransferClampsTheAmount(_ testCase: BalancingCase) {
        let transfer = Fixture.transfer(
            30,
            from: testCase.debit,
            to: testCase.credit,
            amount: testCase.requested,
            flags: testCase.flags
        )
        let outcome = Fixture.createTransfers([transfer], on: Self.balancingLedger)
        #expect(outcome.transferStatuses == [.created])
        guard case .created(let stored) = outcome.writtenTransfers[30] else {
            Issue.record("transfer 30 was not written")
            return
        }
        #expect(stored.amount == testCase.moved)
        let before = Self.balancingLedger.accounts[testCase.debit]?.debitsPosted ?? 0
        let after = outcome.writtenAccounts[testCase.debit]?.debitsPosted ?? before
        #expect(after == before + testCase.moved)
    }

    @Test func balancingDebitFromALimitedAccountStopsAtTheLimit() {
        let outcome = Fixture.createTransfers(
            [Fixture.transfer(30, from: 4, to: 1, amount: 500, flags: .balancingDebit)],
            on: Self.ledger
        )
        #expect(outcome.transferStatuses == [.created])
        #expect(outcome.writtenAccounts[4]?.debitsPosted == 100)
    }

    @Test func resubmittedBalancingTransferExistsUnlessItAsksForLess() {
        var stored = Fixture.transfer(30, from: 7, to: 2, amount: 50, flags: .balancingDebit)
        stored.timestamp = 900
        let ledger = Fixture.snapshot(
            accounts: [Fixture.stored(2), Fixture.stored(7)],
            transfers: [stored]
        )
        let outcome = Fixture.createTransfers(
            [
                Fixture.transfer(30, from: 7, to: 2, amount: 1_000, flags: .balancingDebit),
                Fixture.transfer(30, from: 7, to: 2, amount: 50, flags: .balancingDebit),
                Fixture.transfer(30, from: 7, to: 2, amount: 49, flags: .balancingDebit),
            ],
            on: ledger
        )
        #expect(outcome.transferStatuses == [.exists, .exists, .existsWithDifferentAmount])
        #expect(outcome.timestamps == [900, 900, 1_003])
    }

    @Test func linkedChainFailsAsAWholeAndRetiresOnlyTheFailingID() {
        let outcome = Fixture.createTransfers(
            [
                Fixture.transfer(40, from: 1, to: 2, amount: 10, flags: .linked),
                Fixture.transfer(41, from: 4, to: 2, amount: 101, flags: .linked),
                Fixture.transfer(42, from: 1, to: 2, amount: 5),
                Fixture.transfer(43, from: 2, to: 1, amount: 7),
                Fixture.transfer(40, from: 1, to: 2, amount: 10),
                Fixture.transfer(41, from: 4, to: 2, amount: 1),
            ],
            on: Self.ledger
        )
        #expect(
            outcome.transferStatuses == [
                .linkedEventFailed, .exceedsCredits, .linkedEventFailed, .created, .created,
                .idAlreadyFailed,
            ]
        )
        #expect(outcome.writtenAccounts[1]?.debitsPosted == 10)
        #expect(outcome.writtenAccounts[1]?.creditsPosted == 7)
        #expect(outcome.writtenAccounts[4] == nil)
        #expect(outcome.writtenTransfers[41] == .retired(.exceedsCredits))
        #expect(outcome.writtenTransfers[42] == nil)
    }

    @Test func linkedChainSeesItsOwnEarlierEvents() {
        let outcome = Fixture.createTransfers(
            [
                Fixture.transfer(40, from: 1, to: 4, amount: 50, flags: .linked),
                Fixture.transfer(41, from: 4, to: 2, amount: 120),
            ],
            on: Self.ledger
        )
        #expect(outcome.transferStatuses == [.created, .created])
        #expect(outcome.writtenAccounts[4]?.creditsPosted == 150)
        #expect(outcome.writtenAccounts[4]?.debitsPosted == 120)
    }

    @Test func chainLeftOpenAtTheEndOfTheBatchFails() {
        let outcome = Fixture.createTransfers(
            [
                Fixture.transfer(40, from: 1, to: 2, amount: 10),
                Fixture.transfer(41, from: 1, to: 2, amount: 10, flags: .linked),
                Fixture.transfer(42, from: 1, to: 2, amount: 10, flags: .linked),
            ],
            on: Self.ledger
        )
        #expect(outcome.transferStatuses == [.created, .linkedEventFailed, .linkedEventChainOpen])
        #expect(outcome.writtenAccounts[1]?.debitsPosted == 10)
        #expect(outcome.writtenTransfers.keys.sorted() == [40])
        #expect(outcome.lastTimestamp == 1_003)
    }
}
