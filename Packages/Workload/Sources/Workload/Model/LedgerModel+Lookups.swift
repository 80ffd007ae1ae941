// Reconciliation of lookups. A lookup returns the objects found, in request order, one per id
// (an id asked twice is answered twice). For accounts: every balance must equal the model's,
// every other field what was created, the timestamp what creation reported; a full lookup also
// checks Σ debits_posted == Σ credits_posted and strictly increasing timestamps in creation order.
// For transfers: every field as created, timestamps increasing in creation order.

extension LedgerModel {
    mutating func reconcileAccountLookup(
        _ ids: [UInt128],
        _ found: [Account],
        full: Bool,
        _ context: Context
    ) throws(ReconcileError) {
        let expected = ids.compactMap { account(id: $0) }
        try matchIDs(expected.map(\.id), found.map(\.id), what: "account", context)
        if full {
            try checkSums(found, context)
            try checkIncreasing(found.map(\.timestamp), what: "account", context)
        }
        for (index, actual) in found.enumerated() {
            // Read the model afresh: an id asked twice must get the same timestamp twice.
            guard let model = account(id: actual.id) else { preconditionFailure("ids matched") }
            try compareAccount(model, actual, index: index, context)
            if model.timestamp == 0 { recordAccountTimestamp(actual.timestamp, id: actual.id) }
        }
    }

    mutating func reconcileTransferLookup(
        _ ids: [UInt128],
        _ found: [Transfer],
        _ context: Context
    ) throws(ReconcileError) {
        let expected = ids.compactMap { recentTransfers.entry(id: $0) }
        try matchIDs(expected.map(\.transfer.id), found.map(\.id), what: "transfer", context)
        var bySequence: [(sequence: UInt64, timestamp: UInt64)] = []
        bySequence.reserveCapacity(found.count)
        for (index, actual) in found.enumerated() {
            // Read the model afresh: an id asked twice must get the same timestamp twice.
            guard let entry = recentTransfers.entry(id: actual.id) else {
                preconditionFailure("ids matched")
            }
            try compareTransfer(entry.transfer, actual, index: index, context)
            if entry.transfer.timestamp == 0 {
                recentTransfers.recordTimestamp(actual.timestamp, id: actual.id)
            }
            bySequence.append((entry.sequence, actual.timestamp))
        }
        bySequence.sort { $0.sequence < $1.sequence }
        var previous: (sequence: UInt64, timestamp: UInt64)?
        for entry in bySequence {
            if let previous, previous.sequence != entry.sequence,
                entry.timestamp <= previous.timestamp
            {
                throw context.error(
                    .nonMonotonicTimestamp,
                    nil,
                    "timestamp of a transfer created after one stamped \(previous.timestamp)",
                    "> \(previous.timestamp)",
                    "\(entry.timestamp)"
                )
            }
            previous = entry
        }
    }

    /// The found ids must be exactly the expected ones, in order.
    private func matchIDs(
        _ expected: [UInt128],
        _ found: [UInt128],
        what: String,
        _ context: Context
    ) throws(ReconcileError) {
        if expected == found { return }
        for index in 0..<max(expected.count, found.count) {
            let expectedID = index < expected.count ? expected[index] : nil
            let foundID = index < found.count ? found[index] : nil
            guard expectedID == foundID else {
                let kind: ReconcileError.Kind =
                    foundID.map { !expected.contains($0) } ?? false
                    ? .unexpectedResult : .missingResult
                throw context.error(
                    kind,
                    index,
                    "\(what) id",
                    expectedID.map(hexID) ?? "no \(what)",
                    foundID.map(hexID) ?? "no \(what)"
                )
            }
        }
    }

    private func checkSums(_ found: [Account], _ context: Context) throws(ReconcileError) {
        var debitsPosted: UInt128 = 0
        var creditsPosted: UInt128 = 0
        var debitsPending: UInt128 = 0
        var creditsPending: UInt128 = 0
        for account in found {
            debitsPosted &+= account.debitsPosted
            creditsPosted &+= account.creditsPosted
            debitsPending &+= account.debitsPending
            creditsPending &+= account.creditsPending
        }
        guard debitsPosted == creditsPosted else {
            throw context.error(
                .sumMismatch,
                nil,
                "Σ credits_posted over all accounts (= Σ debits_posted)",
                "\(debitsPosted)",
                "\(creditsPosted)"
            )
        }
        guard debitsPending == creditsPending else {
            throw context.error(
                .sumMismatch,
                nil,
                "Σ credits_pending over all accounts (= Σ debits_pending)",
                "\(debitsPending)",
                "\(creditsPending)"
            )
        }
    }

    private func checkIncreasing(
        _ timestamps: [UInt64],
        what: String,
        _ context: Context
    ) throws(ReconcileError) {
        for index in timestamps.indices.dropFirst() where timestamps[index] <= timestamps[index - 1]
        {
            throw context.error(
                .nonMonotonicTimestamp,
                index,
                "timestamp of the \(what) created after one stamped \(timestamps[index - 1])",
                "> \(timestamps[index - 1])",
                "\(timestamps[index])"
            )
        }
    }

    private func compareAccount(
        _ model: Account,
        _ actual: Account,
        index: Int,
        _ context: Context
    ) throws(ReconcileError) {
        func check<Value: BinaryInteger>(
            _ kind: ReconcileError.Kind,
            _ name: String,
            _ expected: Value,
            _ got: Value
        ) throws(ReconcileError) {
            guard expected != got else { return }
            throw context.error(
                kind,
                index,
                "\(name) of account \(hexID(model.id))",
                "\(expected)",
                "\(got)"
            )
        }
        try check(.wrongBalance, "debits_pending", model.debitsPending, actual.debitsPending)
        try check(.wrongBalance, "debits_posted", model.debitsPosted, actual.debitsPosted)
        try check(.wrongBalance, "credits_pending", model.creditsPending, actual.creditsPending)
        try check(.wrongBalance, "credits_posted", model.creditsPosted, actual.creditsPosted)
        try check(.wrongField, "user_data_128", model.userData128, actual.userData128)
        try check(.wrongField, "user_data_64", model.userData64, actual.userData64)
        try check(.wrongField, "user_data_32", model.userData32, actual.userData32)
        try check(.wrongField, "reserved", model.reserved, actual.reserved)
        try check(.wrongField, "ledger", model.ledger, actual.ledger)
        try check(.wrongField, "code", model.code, actual.code)
        try check(.wrongField, "flags", model.flags.rawValue, actual.flags.rawValue)
        try checkTimestamp(model.timestamp, actual.timestamp, model.id, "account", index, context)
    }

    private func compareTransfer(
        _ model: Transfer,
        _ actual: Transfer,
        index: Int,
        _ context: Context
    ) throws(ReconcileError) {
        func check<Value: BinaryInteger>(
            _ name: String,
            _ expected: Value,
            _ got: Value
        ) throws(ReconcileError) {
            guard expected != got else { return }
            throw context.error(
                .wrongField,
                index,
                "\(name) of transfer \(hexID(model.id))",
                "\(expected)",
                "\(got)"
            )
        }
        try check("debit_account_id", model.debitAccountID, actual.debitAccountID)
        try check("credit_account_id", model.creditAccountID, actual.creditAccountID)
        try check("amount", model.amount, actual.amount)
        try check("pending_id", model.pendingID, actual.pendingID)
        try check("user_data_128", model.userData128, actual.userData128)
        try check("user_data_64", model.userData64, actual.userData64)
        try check("user_data_32", model.userData32, actual.userData32)
        try check("timeout", model.timeout, actual.timeout)
        try check("ledger", model.ledger, actual.ledger)
        try check("code", model.code, actual.code)
        try check("flags", model.flags.rawValue, actual.flags.rawValue)
        try checkTimestamp(model.timestamp, actual.timestamp, model.id, "transfer", index, context)
    }

    /// A looked-up timestamp is never 0 and equals the one creation reported, if it did.
    private func checkTimestamp(
        _ known: UInt64,
        _ actual: UInt64,
        _ id: UInt128,
        _ what: String,
        _ index: Int,
        _ context: Context
    ) throws(ReconcileError) {
        if actual == 0 {
            throw context.error(
                .wrongTimestamp,
                index,
                "timestamp of \(what) \(hexID(id))",
                "non-zero",
                "0"
            )
        }
        if known != 0 && known != actual {
            throw context.error(
                .wrongTimestamp,
                index,
                "timestamp of \(what) \(hexID(id))",
                "\(known)",
                "\(actual)"
            )
        }
    }
}
