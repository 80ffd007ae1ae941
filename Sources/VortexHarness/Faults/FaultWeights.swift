// The fault vocabulary of the scheduler and the weight of each action. Defaults are the
// original's (docs/user-guide.md, "Faults": `none` 12000 so a weight reads as "expected occurrences
// per 2 minutes of ticks"), plus loss (netem only), the partition shapes, per-link faults and the
// backends' other faults. Users override weights with `--fault-weight NAME=W`; impossible
// combinations (a backend that cannot, a shape the replica count or `--faulty-max` rules out)
// are configuration errors. New actions go after `heal`: the order of `allCases` is the order of
// the scheduler's weighted draw, so a seed's schedule stays the same while they weigh 0.

/// The actions the fault scheduler draws from, one weighted draw per tick.
public enum FaultKind: String, CaseIterable, Sendable, Hashable, Codable {
    /// Do nothing this tick.
    case none
    /// SIGKILL a random running replica and wait for it.
    case terminate
    /// Start a random terminated replica.
    case restart
    /// SIGSTOP a random running replica.
    case pause
    /// SIGCONT a random paused replica.
    case resume
    /// Delay (with jitter) all network traffic.
    case delay
    /// Corrupt a fraction of the network traffic.
    case corrupt
    /// Drop a fraction of the packets (netem only: a TCP byte stream cannot lose bytes).
    case loss
    /// Cut one replica off from the other replicas (the driver still reaches it).
    case isolate
    /// Clear every network fault.
    case networkHeal = "network-heal"
    /// Clear network faults, resume paused replicas and restart terminated ones.
    case heal
    /// Cut a random minority of the replicas off from the majority.
    case partitionHalves = "partition-halves"
    /// Cut the replicas in two halves joined only through one replica.
    case partitionBridge = "partition-bridge"
    /// Let every replica hear a majority, no two the same one.
    case partitionRing = "partition-ring"
    /// Let one replica hear another that does not hear it.
    case partitionOneWay = "partition-one-way"
    /// Cut one random link between two replicas, both directions.
    case partitionLink = "partition-link"
    /// Delay what one replica sends to one other replica.
    case linkDelay = "link-delay"
    /// Drop a fraction of what one replica sends to one other replica (netem only).
    case linkLoss = "link-loss"
    /// Limit the bandwidth of all traffic.
    case bandwidth
    /// Reset every connection of a random running replica (proxy only).
    case reset
    /// Stall all traffic: nothing flows, connections stay open.
    case clog
    /// Send a fraction of all packets twice (netem only).
    case duplicate
    /// Send a fraction of all packets ahead of the others (netem only).
    case reorder

    /// The partition shape this action draws, or nil.
    public var partitionShape: PartitionShape? {
        PartitionShape(self)
    }

    /// Whether the action changes the network (and so needs a network backend).
    public var isNetworkFault: Bool {
        switch self {
        case .none, .terminate, .restart, .pause, .resume, .heal: false
        default: true
        }
    }

    /// Whether the action creates a fault (as opposed to doing nothing or healing one).
    public var injectsFault: Bool {
        switch self {
        case .none, .restart, .resume, .networkHeal, .heal: false
        default: true
        }
    }
}

/// The weight of every fault action: probability = weight / sum of enabled weights.
public struct FaultWeights: Sendable, Hashable {
    /// The largest weight a user may give (keeps the sums far from overflow).
    public static let weightMax = 1_000_000

    private var weights: [FaultKind: Int]

    /// The weight of `kind`.
    public subscript(kind: FaultKind) -> Int {
        weights[kind] ?? 0
    }

    /// The default weight of every action: the original's nine, then loss and isolation (2
    /// each) and every later action (1 each).
    public static let defaultWeights: [FaultKind: Int] = [
        .none: 12_000, .terminate: 2, .restart: 4, .pause: 2, .resume: 10, .delay: 2,
        .corrupt: 2, .loss: 2, .isolate: 2, .networkHeal: 10, .heal: 10,
        .partitionHalves: 1, .partitionBridge: 1, .partitionRing: 1, .partitionOneWay: 1,
        .partitionLink: 1, .linkDelay: 1, .linkLoss: 1, .bandwidth: 1, .reset: 1, .clog: 1,
        .duplicate: 1, .reorder: 1,
    ]

    /// The default weights for `backend`; for `.none` every weight except `none` is 0, and a
    /// kind the backend cannot inject is 0. Shapes a cluster's size rules out are zeroed by
    /// ``disableImpossible(replicaCount:faultyReplicasMax:)``.
    public static func defaults(for backend: FaultBackendKind) -> FaultWeights {
        var weights = defaultWeights
        if backend == .none {
            for kind in FaultKind.allCases where kind != .none { weights[kind] = 0 }
        }
        // A kind the backend cannot inject is not drawn (loss under the proxy).
        for kind in FaultKind.allCases where backend.limitation(of: kind) != nil {
            weights[kind] = 0
        }
        return FaultWeights(weights: weights)
    }

    /// Weights given explicitly (kinds not named are 0); for tests and replays.
    public init(_ weights: [FaultKind: Int]) {
        precondition(weights.values.allSatisfy { $0 >= 0 && $0 <= Self.weightMax })
        self.weights = weights
    }

    private init(weights: [FaultKind: Int]) {
        self.weights = weights
    }

    /// Sets the weight of `kind` to 0.
    public mutating func disable(_ kind: FaultKind) {
        weights[kind] = 0
    }

    /// Whether any action that creates a fault can ever be drawn.
    public var injectsFaults: Bool {
        FaultKind.allCases.contains { $0.injectsFault && self[$0] > 0 }
    }

    /// The prefix of the partition shapes' action names (`partition-halves`).
    static let partitionPrefix = "partition-"

    /// Applies `--fault-weight` overrides (`NAME=W`, each name at most once).
    ///
    /// - Throws: ``ConfigurationError`` for bad syntax, an unknown name, a repeated name, a weight
    ///   out of range, or an action the backend cannot perform.
    public mutating func apply(
        overrides: [String],
        backend: FaultBackendKind
    ) throws(ConfigurationError) {
        let names = FaultKind.allCases.map(\.rawValue).joined(separator: ", ")
        var seen: Set<FaultKind> = []
        for text in overrides {
            let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw ConfigurationError(
                    "--fault-weight '\(text)' needs the form NAME=WEIGHT, e.g. terminate=4"
                )
            }
            guard let kind = FaultKind(rawValue: String(parts[0])) else {
                if parts[0].hasPrefix(Self.partitionPrefix) {
                    let shapes = PartitionShape.allCases.filter { $0 != .isolate }
                        .map { Self.partitionPrefix + $0.rawValue }.joined(separator: ", ")
                    throw ConfigurationError(
                        "--fault-weight '\(text)': unknown partition shape "
                            + "'\(parts[0].dropFirst(Self.partitionPrefix.count))'; use one of "
                            + "\(shapes), isolate"
                    )
                }
                throw ConfigurationError(
                    "--fault-weight '\(text)': unknown fault '\(parts[0])'; known: \(names)"
                )
            }
            guard let weight = Int(parts[1]), weight >= 0, weight <= Self.weightMax else {
                throw ConfigurationError(
                    "--fault-weight '\(text)': weight must be a whole number from 0 to "
                        + "\(Self.weightMax)"
                )
            }
            guard seen.insert(kind).inserted else {
                throw ConfigurationError(
                    "--fault-weight names '\(kind.rawValue)' twice; give each fault once"
                )
            }
            if weight > 0, let limitation = backend.limitation(of: kind) {
                throw ConfigurationError("--fault-weight \(kind.rawValue) \(limitation)")
            }
            weights[kind] = weight
        }
        guard FaultKind.allCases.contains(where: { self[$0] > 0 }) else {
            throw ConfigurationError("every fault weight is 0; leave at least one above 0 (none=1)")
        }
    }
}
