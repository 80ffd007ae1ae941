// The create events. Valid ones follow the original exactly: accounts with a random id, ledger 1,
// code U[1,100] and `history` with p = 1/10; transfers with a random id between two distinct known
// accounts, amount U[0, 2^32], ledger 1, code U[1,100]. Invalid ones (a configurable share) carry
// exactly one defect, so TigerBeetle's status for them is unambiguous.

extension WorkloadGenerator {
    /// The defects an invalid account event may carry.
    enum AccountDefect: CaseIterable {
        case zeroID, zeroLedger, zeroCode, duplicate, duplicateWithDifferentCode
    }

    /// The defects an invalid transfer event may carry.
    enum TransferDefect: CaseIterable {
        case zeroID, unknownDebitAccount, unknownCreditAccount, sameAccounts, zeroCode
        case duplicate, duplicateWithDifferentAmount
    }

    mutating func createAccountsEvents(_ model: LedgerModel) -> [Account] {
        let room = configuration.maximumAccounts - model.accounts.count
        let count = randomCount(upTo: min(room, configuration.maximumEventsPerRequest))
        var events: [Account] = []
        events.reserveCapacity(count)
        var lastValid: Account?
        for _ in 0..<count {
            let valid = Account(
                id: random.nonZeroID(),
                ledger: 1,
                code: UInt16(random.uniform(in: 1...100)),
                flags: random.chance(1, in: 10) ? .history : []
            )
            guard injectsInvalidEvent() else {
                events.append(valid)
                lastValid = valid
                continue
            }
            let defect = AccountDefect.allCases[random.index(below: AccountDefect.allCases.count)]
            events.append(invalidAccount(valid, defect, lastValid ?? existingAccount(model)))
        }
        return events
    }

    private mutating func existingAccount(_ model: LedgerModel) -> Account? {
        guard !model.accounts.isEmpty else { return nil }
        return creationEvent(of: model.accounts[random.index(below: model.accounts.count)])
    }

    private func invalidAccount(
        _ valid: Account,
        _ defect: AccountDefect,
        _ original: Account?
    ) -> Account {
        var event = valid
        switch defect {
        case .zeroID: event.id = 0
        case .zeroLedger: event.ledger = 0
        case .zeroCode: event.code = 0
        case .duplicate:
            if let original { event = original } else { event.id = 0 }
        case .duplicateWithDifferentCode:
            if let original {
                event = original
                event.code = original.code % 100 + 1
            } else {
                event.code = 0
            }
        }
        return event
    }

    mutating func createTransfersEvents(_ model: LedgerModel) -> [Transfer] {
        let count = randomCount(upTo: configuration.maximumEventsPerRequest)
        var events: [Transfer] = []
        events.reserveCapacity(count)
        var lastValid: Transfer?
        for _ in 0..<count {
            let valid = validTransfer(model)
            guard injectsInvalidEvent() else {
                events.append(valid)
                lastValid = valid
                continue
            }
            let defect = TransferDefect.allCases[random.index(below: TransferDefect.allCases.count)]
            let original =
                lastValid ?? (model.recentTransferCount > 0 ? recentTransfer(model) : nil)
            events.append(invalidTransfer(valid, defect, original, model))
        }
        return events
    }

    private mutating func validTransfer(_ model: LedgerModel) -> Transfer {
        let accountCount = model.accounts.count
        let debitIndex = random.index(below: accountCount)
        var creditIndex = random.index(below: accountCount - 1)
        if creditIndex >= debitIndex { creditIndex += 1 }
        return Transfer(
            id: random.nonZeroID(),
            debitAccountID: model.accounts[debitIndex].id,
            creditAccountID: model.accounts[creditIndex].id,
            amount: UInt128(random.uniform(in: 0...(1 << 32))),
            ledger: 1,
            code: UInt16(random.uniform(in: 1...100))
        )
    }

    private mutating func invalidTransfer(
        _ valid: Transfer,
        _ defect: TransferDefect,
        _ original: Transfer?,
        _ model: LedgerModel
    ) -> Transfer {
        var event = valid
        switch defect {
        case .zeroID: event.id = 0
        case .unknownDebitAccount: event.debitAccountID = unknownAccountID(model)
        case .unknownCreditAccount: event.creditAccountID = unknownAccountID(model)
        case .sameAccounts: event.creditAccountID = event.debitAccountID
        case .zeroCode: event.code = 0
        case .duplicate:
            if let original { event = original } else { event.id = 0 }
        case .duplicateWithDifferentAmount:
            if let original {
                event = original
                event.amount = original.amount + 1
            } else {
                event.code = 0
            }
        }
        return event
    }
}
