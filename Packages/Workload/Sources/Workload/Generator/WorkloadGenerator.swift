// The seeded request generator: the original vortex's commands, weights and distributions
// (docs/workload.md) plus full account lookups, transfer lookups and idempotency probes,
// and a small share of deliberately invalid create events whose failure status the model predicts.
// Requests depend only on the seed and the model, so the same seed against a correct driver
// produces the same requests on every platform.

/// One generated request and the command it serves.
public struct PlannedRequest: Sendable, Hashable {
    /// The command.
    public let command: WorkloadCommand
    /// The request to send.
    public let request: DriverRequest
}

/// Generates the workload's requests from a seed and the model's current state.
public struct WorkloadGenerator: Sendable {
    /// The limits and weights in force.
    public let configuration: WorkloadConfiguration
    var random: SeededRandom

    /// A generator for `seed`; the configuration must be valid (`validationError() == nil`).
    public init(seed: UInt64, configuration: WorkloadConfiguration = WorkloadConfiguration()) {
        precondition(
            configuration.validationError() == nil,
            configuration.validationError() ?? ""
        )
        self.configuration = configuration
        self.random = SeededRandom(seed: seed)
    }

    /// The next request, or nil when no command is possible (every possible one weighs 0).
    public mutating func next(model: LedgerModel) -> PlannedRequest? {
        let weights = WorkloadCommand.allCases.map { command in
            isPossible(command, model) ? configuration.weights.weight(of: command) : 0
        }
        guard let choice = random.weightedIndex(weights) else { return nil }
        let command = WorkloadCommand.allCases[choice]
        return PlannedRequest(command: command, request: request(for: command, model))
    }

    func isPossible(_ command: WorkloadCommand, _ model: LedgerModel) -> Bool {
        let accounts = model.accounts.count
        switch command {
        case .createAccounts: return accounts < configuration.maximumAccounts
        case .createTransfers: return accounts > 2
        case .lookupAccounts, .resubmitAccounts: return accounts > 0
        case .lookupAllAccounts:
            return accounts > 0 && accounts <= configuration.maximumEventsPerRequest
        case .lookupTransfers, .resubmitTransfers: return model.recentTransferCount > 0
        }
    }

    private mutating func request(
        for command: WorkloadCommand,
        _ model: LedgerModel
    ) -> DriverRequest {
        let sparse = configuration.sparseCreates
        let maximumEvents = configuration.maximumEventsPerRequest
        switch command {
        case .createAccounts:
            return .createAccounts(createAccountsEvents(model), sparse: sparse)
        case .createTransfers:
            return .createTransfers(createTransfersEvents(model), sparse: sparse)
        case .lookupAccounts:
            let count = min(maximumEvents, model.accounts.count)
            return .lookupAccounts((0..<count).map { _ in lookupID(model) })
        case .lookupAllAccounts:
            return .lookupAccounts(model.accounts.map(\.id))
        case .lookupTransfers:
            let count = randomCount(upTo: min(maximumEvents, model.recentTransferCount))
            return .lookupTransfers((0..<count).map { _ in recentTransfer(model).id })
        case .resubmitAccounts:
            let count = randomCount(upTo: min(maximumEvents, model.accounts.count))
            let accounts = (0..<count).map { _ in
                creationEvent(of: model.accounts[random.index(below: model.accounts.count)])
            }
            return .createAccounts(accounts, sparse: sparse)
        case .resubmitTransfers:
            let count = randomCount(upTo: min(maximumEvents, model.recentTransferCount))
            return .createTransfers((0..<count).map { _ in recentTransfer(model) }, sparse: sparse)
        }
    }

    // MARK: Distributions

    /// U[1, limit].
    mutating func randomCount(upTo limit: Int) -> Int {
        precondition(limit >= 1, "a request needs room for one event")
        return Int(random.uniform(in: 1...UInt64(limit)))
    }

    /// True for the configured share of deliberately invalid events.
    mutating func injectsInvalidEvent() -> Bool {
        configuration.invalidEventsPer1024 > 0
            && random.chance(configuration.invalidEventsPer1024, in: 1024)
    }

    /// A known account id, or (for the configured share) one that does not exist.
    private mutating func lookupID(_ model: LedgerModel) -> UInt128 {
        if injectsInvalidEvent() { return unknownAccountID(model) }
        return model.accounts[random.index(below: model.accounts.count)].id
    }

    mutating func unknownAccountID(_ model: LedgerModel) -> UInt128 {
        // A random 128-bit id is unknown unless it collides with one of ≤ maximumAccounts ids.
        for _ in 0..<8 {
            let id = random.nonZeroID()
            if model.account(id: id) == nil { return id }
        }
        preconditionFailure("eight random 128-bit ids all collided with known accounts")
    }

    /// A remembered transfer as it was submitted (timestamp 0).
    mutating func recentTransfer(_ model: LedgerModel) -> Transfer {
        var transfer = model.recentTransfer(at: random.index(below: model.recentTransferCount))
        transfer.timestamp = 0
        return transfer
    }

    /// The create event that made `account`: balances and timestamp zero.
    func creationEvent(of account: Account) -> Account {
        var event = account
        event.debitsPending = 0
        event.debitsPosted = 0
        event.creditsPending = 0
        event.creditsPosted = 0
        event.timestamp = 0
        return event
    }
}
