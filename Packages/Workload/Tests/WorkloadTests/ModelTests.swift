// Model tests: a small ledger built by hand (three accounts, two transfers), then one injected
// mismatch of each kind; each must be caught with the right kind, event index, expected and
// actual value.

import Testing
import Workload

@Suite struct ModelTests {
    static let created = CreateAccountStatus.created.rawValue

    static func account(_ id: UInt128) -> Account {
        Account(id: id, ledger: 1, code: 7)
    }

    static func transfer(
        _ id: UInt128,
        _ debit: UInt128,
        _ credit: UInt128,
        _ amount: UInt128
    )
        -> Transfer
    {
        Transfer(
            id: id,
            debitAccountID: debit,
            creditAccountID: credit,
            amount: amount,
            ledger: 1,
            code: 3
        )
    }

    /// Accounts 1, 2, 3 (timestamps 10, 11, 12); transfers 1→2 of 100 and 2→3 of 30 (20, 21).
    static func ledger() throws -> LedgerModel {
        var model = LedgerModel()
        try model.reconcile(
            .createAccounts([account(1), account(2), account(3)]),
            DriverReply(
                .createResults((10...12).map { CreateResult(timestamp: $0, status: created) })
            ),
            command: .createAccounts
        )
        try model.reconcile(
            .createTransfers([transfer(101, 1, 2, 100), transfer(102, 2, 3, 30)]),
            DriverReply(
                .createResults((20...21).map { CreateResult(timestamp: $0, status: created) })
            ),
            command: .createTransfers
        )
        return model
    }

    /// The accounts as a correct ledger reports them.
    static func lookedUp() -> [Account] {
        var first = account(1)
        first.debitsPosted = 100
        first.timestamp = 10
        var second = account(2)
        second.creditsPosted = 100
        second.debitsPosted = 30
        second.timestamp = 11
        var third = account(3)
        third.creditsPosted = 30
        third.timestamp = 12
        return [first, second, third]
    }

    /// Reconciles and returns the error (nil if it passed).
    static func mismatch(
        _ model: inout LedgerModel,
        _ request: DriverRequest,
        _ reply: DriverReply,
        _ command: WorkloadCommand
    ) -> ReconcileError? {
        do {
            try model.reconcile(request, reply, command: command)
            return nil
        } catch {
            return error
        }
    }

    @Test func correctRepliesReconcile() throws {
        var model = try Self.ledger()
        let all = DriverRequest.lookupAccounts([1, 2, 3])
        #expect(
            Self.mismatch(&model, all, DriverReply(.accounts(Self.lookedUp())), .lookupAllAccounts)
                == nil
        )
        var stamped = [Self.transfer(102, 2, 3, 30), Self.transfer(101, 1, 2, 100)]
        stamped[0].timestamp = 21
        stamped[1].timestamp = 20
        let transfers = DriverRequest.lookupTransfers([102, 101])
        #expect(
            Self.mismatch(&model, transfers, DriverReply(.transfers(stamped)), .lookupTransfers)
                == nil
        )
        // An unknown id is simply not found.
        let withUnknown = DriverRequest.lookupAccounts([3, 999])
        let reply = DriverReply(.accounts([Self.lookedUp()[2]]))
        #expect(Self.mismatch(&model, withUnknown, reply, .lookupAccounts) == nil)
        #expect(model.expectedReply(for: all) == DriverReply(.accounts(Self.lookedUp())))
    }

    @Test func wrongBalance() throws {
        var model = try Self.ledger()
        var accounts = Self.lookedUp()
        accounts[1].debitsPosted = 31
        let error = try #require(
            Self.mismatch(
                &model,
                .lookupAccounts([2]),
                DriverReply(.accounts([accounts[1]])),
                .lookupAccounts
            )
        )
        #expect(error.kind == .wrongBalance)
        #expect(error.eventIndex == 0)
        #expect(error.subject == "debits_posted of account 0x2")
        #expect(error.expected == "30")
        #expect(error.actual == "31")
        #expect(
            error.description
                == "reconcile failed: wrong balance: lookup_accounts (lookup_accounts) event 0: "
                + "debits_posted of account 0x2 expected 30, got 31"
        )
    }

    @Test func missingAccount() throws {
        var model = try Self.ledger()
        let accounts = Self.lookedUp()
        let error = try #require(
            Self.mismatch(
                &model,
                .lookupAccounts([1, 2]),
                DriverReply(.accounts([accounts[0]])),
                .lookupAccounts
            )
        )
        #expect(error.kind == .missingResult)
        #expect(error.eventIndex == 1)
        #expect(error.expected == "0x2")
        #expect(error.actual == "no account")
    }

    @Test func wrongFailureStatus() throws {
        var model = try Self.ledger()
        // A transfer to an unknown account must fail with credit_account_not_found.
        let request = DriverRequest.createTransfers([
            Self.transfer(103, 1, 2, 5), Self.transfer(104, 1, 999, 5),
        ])
        let reply = DriverReply(
            .createResults([
                CreateResult(timestamp: 30, status: Self.created),
                CreateResult(timestamp: 31, status: Self.created),
            ])
        )
        let error = try #require(Self.mismatch(&model, request, reply, .createTransfers))
        #expect(error.kind == .wrongStatus)
        #expect(error.eventIndex == 1)
        #expect(error.expected == "credit_account_not_found")
        #expect(error.actual == "created")

        // A valid transfer reported as failed.
        var fresh = try Self.ledger()
        let valid = DriverRequest.createTransfers([Self.transfer(105, 3, 1, 1)])
        let failed = DriverReply(.createResults([CreateResult(timestamp: 0, status: 21)]))
        let refused = try #require(Self.mismatch(&fresh, valid, failed, .createTransfers))
        #expect(refused.expected == "created")
        #expect(refused.actual == "debit_account_not_found")
    }

    @Test func idempotencyProbe() throws {
        var model = try Self.ledger()
        let resubmit = DriverRequest.createTransfers([Self.transfer(101, 1, 2, 100)])
        let exists = DriverReply(
            .createResults([
                CreateResult(timestamp: 0, status: CreateTransferStatus.exists.rawValue)
            ])
        )
        #expect(Self.mismatch(&model, resubmit, exists, .resubmitTransfers) == nil)
        // Applying the same transfer twice is the bug exactly-once forbids.
        let again = DriverReply(.createResults([CreateResult(timestamp: 40, status: Self.created)]))
        let error = try #require(Self.mismatch(&model, resubmit, again, .resubmitTransfers))
        #expect(error.kind == .wrongStatus)
        #expect(error.command == .resubmitTransfers)
        #expect(error.expected == "exists")
        // The same id with another amount.
        var fresh = try Self.ledger()
        let changed = DriverRequest.createTransfers([Self.transfer(101, 1, 2, 101)])
        let changedError = try #require(Self.mismatch(&fresh, changed, exists, .createTransfers))
        #expect(changedError.expected == "exists_with_different_amount")
        #expect(changedError.actual == "exists")
        // Accounts too.
        var accounts = try Self.ledger()
        let account = DriverRequest.createAccounts([Self.account(2)])
        let createdAgain = DriverReply(
            .createResults([CreateResult(timestamp: 50, status: Self.created)])
        )
        let accountError = try #require(
            Self.mismatch(&accounts, account, createdAgain, .resubmitAccounts)
        )
        #expect(accountError.expected == "exists")
    }

    @Test func nonMonotonicTimestamp() throws {
        var model = try Self.ledger()
        var accounts = Self.lookedUp()
        accounts[2].timestamp = 9
        let error = try #require(
            Self.mismatch(
                &model,
                .lookupAccounts([1, 2, 3]),
                DriverReply(.accounts(accounts)),
                .lookupAllAccounts
            )
        )
        #expect(error.kind == .nonMonotonicTimestamp)
        #expect(error.eventIndex == 2)
        #expect(error.expected == "> 11")
        #expect(error.actual == "9")
        // A create result older than an earlier one.
        var fresh = try Self.ledger()
        let late = DriverReply(.createResults([CreateResult(timestamp: 15, status: Self.created)]))
        let createError = try #require(
            Self.mismatch(&fresh, .createAccounts([Self.account(4)]), late, .createAccounts)
        )
        #expect(createError.kind == .nonMonotonicTimestamp)
        #expect(createError.expected == "> 21")
    }

    @Test func wrongTimestamp() throws {
        var model = try Self.ledger()
        var accounts = Self.lookedUp()
        accounts[0].timestamp = 99
        let error = try #require(
            Self.mismatch(
                &model,
                .lookupAccounts([1]),
                DriverReply(.accounts([accounts[0]])),
                .lookupAccounts
            )
        )
        #expect(error.kind == .wrongTimestamp)
        #expect(error.expected == "10")
        #expect(error.actual == "99")
    }

    @Test func sumMismatch() throws {
        var model = try Self.ledger()
        var accounts = Self.lookedUp()
        accounts[2].creditsPosted = 31
        let error = try #require(
            Self.mismatch(
                &model,
                .lookupAccounts([1, 2, 3]),
                DriverReply(.accounts(accounts)),
                .lookupAllAccounts
            )
        )
        #expect(error.kind == .sumMismatch)
        #expect(error.expected == "130")
        #expect(error.actual == "131")
    }

    @Test func wrongTransferField() throws {
        var model = try Self.ledger()
        var transfer = Self.transfer(101, 1, 2, 99)
        transfer.timestamp = 20
        let error = try #require(
            Self.mismatch(
                &model,
                .lookupTransfers([101]),
                DriverReply(.transfers([transfer])),
                .lookupTransfers
            )
        )
        #expect(error.kind == .wrongField)
        #expect(error.subject == "amount of transfer 0x65")
    }

    @Test func sparseFailuresAreChecked() throws {
        var model = LedgerModel()
        let request = DriverRequest.createAccounts(
            [Self.account(1), Self.account(0)],
            sparse: true
        )
        // Event 1 (id 0) must be listed as id_must_not_be_zero.
        let error = try #require(
            Self.mismatch(&model, request, DriverReply(.errorResults([])), .createAccounts)
        )
        #expect(error.eventIndex == 1)
        #expect(error.expected == "id_must_not_be_zero")
        #expect(error.actual == "created")
        var fresh = LedgerModel()
        let correct = DriverReply(.errorResults([ErrorResult(index: 1, status: 6)]))
        #expect(Self.mismatch(&fresh, request, correct, .createAccounts) == nil)
        #expect(fresh.accounts.map(\.id) == [1])
    }

    @Test func rulesFollowTigerBeetlesPrecedence() {
        let known = Self.account(1)
        // Several defects: the status is the first in TigerBeetle's order.
        var transfer = Self.transfer(0, 0, 0, 5)
        transfer.code = 0
        #expect(
            LedgerRules.status(creating: transfer, existing: nil, debit: nil, credit: nil)
                == .idMustNotBeZero
        )
        transfer.id = 9
        #expect(
            LedgerRules.status(creating: transfer, existing: nil, debit: nil, credit: nil)
                == .debitAccountIDMustNotBeZero
        )
        transfer.debitAccountID = 1
        transfer.creditAccountID = 1
        #expect(
            LedgerRules.status(creating: transfer, existing: nil, debit: known, credit: known)
                == .accountsMustBeDifferent
        )
        transfer.creditAccountID = 2
        #expect(
            LedgerRules.status(creating: transfer, existing: nil, debit: known, credit: nil)
                == .codeMustNotBeZero
        )
        transfer.code = 3
        #expect(
            LedgerRules.status(creating: transfer, existing: nil, debit: nil, credit: nil)
                == .debitAccountNotFound
        )
        // An existing id is checked before the accounts: a changed amount wins over a missing
        // credit account.
        let existing = Self.transfer(9, 1, 2, 4)
        #expect(
            LedgerRules.status(creating: transfer, existing: existing, debit: known, credit: nil)
                == .existsWithDifferentAmount
        )
        // Balances are 128-bit and overflow is a status, not a trap.
        var full = Self.account(1)
        full.debitsPosted = .max
        #expect(
            LedgerRules.status(
                creating: Self.transfer(10, 1, 2, 1),
                existing: nil,
                debit: full,
                credit: known
            )
                == .overflowsDebitsPosted
        )
        var account = Self.account(0)
        account.ledger = 0
        #expect(LedgerRules.status(creating: account, existing: nil) == .idMustNotBeZero)
        account.id = 5
        #expect(
            LedgerRules.status(creating: account, existing: known) == .existsWithDifferentLedger
        )
        #expect(LedgerRules.status(creating: account, existing: nil) == .ledgerMustNotBeZero)
    }
}
