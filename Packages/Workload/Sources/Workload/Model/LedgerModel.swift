// The workload's model of the ledger: the accounts created so far (in creation order, with the
// balances every created transfer implies) and the most recent transfers. Every reply is
// reconciled against it; the model predicts the exact status of every create event (created or
// which failure), so both a lost transfer and a wrongly accepted one are caught. It is sequential
// on purpose: the workload has one client with one request in flight, so a correct, exactly-once
// cluster must agree with it exactly.

/// The sequential model of the ledger the workload drives.
public struct LedgerModel: Sendable {
    /// The accounts in creation order, balances as the model computes them; `timestamp` is 0
    /// until a reply reports it.
    public private(set) var accounts: [Account] = []
    private var accountPositions: [UInt128: Int] = [:]
    var recentTransfers: RecentTransfers
    /// Transfers created during the run.
    public private(set) var transfersCreated: UInt64 = 0
    /// The latest timestamp a create result reported (timestamps must keep increasing).
    public private(set) var lastCreatedTimestamp: UInt64 = 0
    private var transferSequence: UInt64 = 0

    /// An empty model remembering up to `recentTransferCapacity` transfers for lookups and
    /// probes.
    public init(recentTransferCapacity: Int = DriverProtocol.maximumEventsPerRequest) {
        recentTransfers = RecentTransfers(capacity: recentTransferCapacity)
    }

    /// The account with `id`, if it was created.
    public func account(id: UInt128) -> Account? {
        accountPositions[id].map { accounts[$0] }
    }

    /// How many recently created transfers the model remembers.
    public var recentTransferCount: Int { recentTransfers.count }

    /// The remembered transfer at `index` (0 ..< recentTransferCount; storage order).
    public func recentTransfer(at index: Int) -> Transfer {
        recentTransfers.entries[index].transfer
    }

    /// Checks `reply` against the model and applies what it confirms. After an error the model
    /// no longer describes the cluster (the run has failed).
    public mutating func reconcile(
        _ request: DriverRequest,
        _ reply: DriverReply,
        command: WorkloadCommand
    ) throws(ReconcileError) {
        let context = Context(command: command, operation: request.operation)
        switch (request.events, reply.results) {
        case (.accounts(let events), .createResults(let results)):
            try context.requireCount(results.count, events.count)
            for (index, event) in events.enumerated() {
                try createAccount(event, index: index, result: results[index], context)
            }
        case (.transfers(let events), .createResults(let results)):
            try context.requireCount(results.count, events.count)
            for (index, event) in events.enumerated() {
                try createTransfer(event, index: index, result: results[index], context)
            }
        case (.accounts(let events), .errorResults(let failures)):
            let statuses = events.map { applyAccount($0, timestamp: 0).rawValue }
            try context.compareSparse(statuses, failures, name: CreateAccountStatus.name)
        case (.transfers(let events), .errorResults(let failures)):
            let statuses = events.map { applyTransfer($0, timestamp: 0).rawValue }
            try context.compareSparse(statuses, failures, name: CreateTransferStatus.name)
        case (.ids(let ids), .accounts(let found)):
            try reconcileAccountLookup(ids, found, full: command == .lookupAllAccounts, context)
        case (.ids(let ids), .transfers(let found)):
            try reconcileTransferLookup(ids, found, context)
        default:
            preconditionFailure("a reply whose layout does not fit its request reached the model")
        }
    }

    // MARK: Creates

    private mutating func createAccount(
        _ account: Account,
        index: Int,
        result: CreateResult,
        _ context: Context
    ) throws(ReconcileError) {
        let expected = LedgerRules.status(creating: account, existing: self.account(id: account.id))
        guard expected.rawValue == result.status else {
            throw context.error(
                .wrongStatus,
                index,
                "status of account \(hexID(account.id))",
                expected.description,
                CreateAccountStatus.name(of: result.status)
            )
        }
        guard expected == .created else { return }
        try checkCreatedTimestamp(result.timestamp, index: index, context)
        insertCreatedAccount(account, timestamp: result.timestamp)
    }

    private mutating func createTransfer(
        _ transfer: Transfer,
        index: Int,
        result: CreateResult,
        _ context: Context
    ) throws(ReconcileError) {
        let expected = transferStatus(transfer)
        guard expected.rawValue == result.status else {
            throw context.error(
                .wrongStatus,
                index,
                "status of transfer \(hexID(transfer.id))",
                expected.description,
                CreateTransferStatus.name(of: result.status)
            )
        }
        guard expected == .created else { return }
        try checkCreatedTimestamp(result.timestamp, index: index, context)
        insertCreatedTransfer(transfer, timestamp: result.timestamp)
    }

    /// A created object's timestamp, when the driver reports one (non-zero), must exceed every
    /// earlier one: TigerBeetle's timestamps are unique and increase across all objects.
    private mutating func checkCreatedTimestamp(
        _ timestamp: UInt64,
        index: Int,
        _ context: Context
    ) throws(ReconcileError) {
        guard timestamp != 0 else { return }
        guard timestamp > lastCreatedTimestamp else {
            throw context.error(
                .nonMonotonicTimestamp,
                index,
                "timestamp of a created object",
                "> \(lastCreatedTimestamp)",
                "\(timestamp)"
            )
        }
        lastCreatedTimestamp = timestamp
    }

    func transferStatus(_ transfer: Transfer) -> CreateTransferStatus {
        LedgerRules.status(
            creating: transfer,
            existing: recentTransfers.entry(id: transfer.id)?.transfer,
            debit: account(id: transfer.debitAccountID),
            credit: account(id: transfer.creditAccountID)
        )
    }

    /// Predicts `account`'s status and, when created, inserts it.
    @discardableResult
    mutating func applyAccount(_ account: Account, timestamp: UInt64) -> CreateAccountStatus {
        let status = LedgerRules.status(creating: account, existing: self.account(id: account.id))
        if status == .created { insertCreatedAccount(account, timestamp: timestamp) }
        return status
    }

    private mutating func insertCreatedAccount(_ account: Account, timestamp: UInt64) {
        var created = account
        created.timestamp = timestamp
        accountPositions[account.id] = accounts.count
        accounts.append(created)
    }

    /// Predicts `transfer`'s status and, when created, applies it to both balances.
    @discardableResult
    mutating func applyTransfer(_ transfer: Transfer, timestamp: UInt64) -> CreateTransferStatus {
        let status = transferStatus(transfer)
        if status == .created { insertCreatedTransfer(transfer, timestamp: timestamp) }
        return status
    }

    /// Applies a transfer the rules said is created: both balances, and the ring.
    private mutating func insertCreatedTransfer(_ transfer: Transfer, timestamp: UInt64) {
        guard let debit = accountPositions[transfer.debitAccountID],
            let credit = accountPositions[transfer.creditAccountID]
        else { preconditionFailure("a created transfer names two known accounts") }
        accounts[debit].debitsPosted += transfer.amount
        accounts[credit].creditsPosted += transfer.amount
        var created = transfer
        created.timestamp = timestamp
        recentTransfers.insert(created, sequence: transferSequence)
        transferSequence += 1
        transfersCreated += 1
    }

    mutating func recordAccountTimestamp(_ timestamp: UInt64, id: UInt128) {
        guard let position = accountPositions[id] else { return }
        guard accounts[position].timestamp == 0 else { return }  // learned once
        accounts[position].timestamp = timestamp
    }
}
