// The workload's commands: what a request is for (a command names the intent; the operation byte
// is how it travels), and their weights. The first three are the original vortex's; the others
// add the checks it dropped (full lookups, transfer lookups) or never had (idempotency probes).

/// What one workload request is for.
public enum WorkloadCommand: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Create new accounts (original: weight 1 while fewer than `maximumAccounts` exist).
    case createAccounts = "create_accounts"
    /// Create transfers between known accounts (original: weight 20 once more than 2 exist).
    case createTransfers = "create_transfers"
    /// Look up known accounts drawn with replacement (original: weight 1 once one exists).
    case lookupAccounts = "lookup_accounts"
    /// Look up every known account in creation order: balances, Σ debits == Σ credits,
    /// strictly increasing timestamps.
    case lookupAllAccounts = "lookup_all_accounts"
    /// Look up recently created transfers: every field and timestamp.
    case lookupTransfers = "lookup_transfers"
    /// Resubmit accounts that exist already: every event must report `exists`.
    case resubmitAccounts = "resubmit_accounts"
    /// Resubmit transfers that exist already: every event must report `exists`.
    case resubmitTransfers = "resubmit_transfers"

    /// The command's name as logged (`create_transfers`, …).
    public var description: String { rawValue }
}

/// The relative weight of each command (0 disables it). A command whose precondition does not
/// hold (no accounts yet, the account limit reached, no transfers yet) is skipped regardless.
public struct CommandWeights: Sendable, Hashable {
    /// Weight of `createAccounts`.
    public var createAccounts: UInt64
    /// Weight of `createTransfers`.
    public var createTransfers: UInt64
    /// Weight of `lookupAccounts`.
    public var lookupAccounts: UInt64
    /// Weight of `lookupAllAccounts`.
    public var lookupAllAccounts: UInt64
    /// Weight of `lookupTransfers`.
    public var lookupTransfers: UInt64
    /// Weight of `resubmitAccounts`.
    public var resubmitAccounts: UInt64
    /// Weight of `resubmitTransfers`.
    public var resubmitTransfers: UInt64

    /// Weights; the defaults are the original's three plus 1 for each added check.
    public init(
        createAccounts: UInt64 = 1,
        createTransfers: UInt64 = 20,
        lookupAccounts: UInt64 = 1,
        lookupAllAccounts: UInt64 = 1,
        lookupTransfers: UInt64 = 1,
        resubmitAccounts: UInt64 = 1,
        resubmitTransfers: UInt64 = 1
    ) {
        self.createAccounts = createAccounts
        self.createTransfers = createTransfers
        self.lookupAccounts = lookupAccounts
        self.lookupAllAccounts = lookupAllAccounts
        self.lookupTransfers = lookupTransfers
        self.resubmitAccounts = resubmitAccounts
        self.resubmitTransfers = resubmitTransfers
    }

    /// Only the original vortex's three commands, with its weights.
    public static let original = CommandWeights(
        lookupAllAccounts: 0,
        lookupTransfers: 0,
        resubmitAccounts: 0,
        resubmitTransfers: 0
    )

    /// The weight of `command`.
    public func weight(of command: WorkloadCommand) -> UInt64 {
        switch command {
        case .createAccounts: createAccounts
        case .createTransfers: createTransfers
        case .lookupAccounts: lookupAccounts
        case .lookupAllAccounts: lookupAllAccounts
        case .lookupTransfers: lookupTransfers
        case .resubmitAccounts: resubmitAccounts
        case .resubmitTransfers: resubmitTransfers
        }
    }
}

/// How the workload shapes its requests.
public struct WorkloadConfiguration: Sendable, Hashable {
    /// The most events in one request (TigerBeetle: 8189; a slower target may need fewer).
    public var maximumEventsPerRequest: Int
    /// The most accounts the workload creates (original: 128).
    public var maximumAccounts: Int
    /// Use `create_*_sparse` operations (drivers of TigerBeetle releases before 0.17.0).
    public var sparseCreates: Bool
    /// The command weights.
    public var weights: CommandWeights
    /// Out of 1024 create events, how many are deliberately invalid (zero id, unknown account,
    /// duplicate id, …) so that failure statuses are checked too; 0 disables it.
    public var invalidEventsPer1024: UInt64

    /// A configuration; the defaults are the original's sizes with the added checks on.
    public init(
        maximumEventsPerRequest: Int = DriverProtocol.maximumEventsPerRequest,
        maximumAccounts: Int = 128,
        sparseCreates: Bool = false,
        weights: CommandWeights = CommandWeights(),
        invalidEventsPer1024: UInt64 = 8
    ) {
        self.maximumEventsPerRequest = maximumEventsPerRequest
        self.maximumAccounts = maximumAccounts
        self.sparseCreates = sparseCreates
        self.weights = weights
        self.invalidEventsPer1024 = invalidEventsPer1024
    }

    /// Checks the limits; returns one line saying what is wrong, or nil.
    public func validationError() -> String? {
        if maximumEventsPerRequest < 1 || maximumEventsPerRequest > UInt32.max {
            return "maximumEventsPerRequest must be at least 1, got \(maximumEventsPerRequest)"
        }
        if maximumAccounts < 3 {
            return "maximumAccounts must be at least 3 (transfers start at 3 accounts), got "
                + "\(maximumAccounts)"
        }
        if invalidEventsPer1024 > 1024 {
            return "invalidEventsPer1024 must be at most 1024, got \(invalidEventsPer1024)"
        }
        return nil
    }
}
