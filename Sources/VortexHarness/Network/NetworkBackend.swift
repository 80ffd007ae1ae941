// The network backend of a run, in one place: which backends exist (`--faults`), what each can
// inject (one capability table, read by validation before anything starts and by nothing else),
// and the one protocol every backend implements (start, apply a NetworkFaults value, stop,
// counters for the log). NetworkBackends.make builds the chosen one; ProxyNetwork and
// NetemNetwork are the two implementations.

/// Which mechanism injects network faults in a run (`--faults`).
public enum FaultBackendKind: String, CaseIterable, Sendable, Hashable, Codable {
    /// A userspace TCP proxy in front of every proxied replica port (FaultProxy).
    case proxy
    /// Linux tc/netem qdiscs in the run's network namespace (Netem).
    case netem
    /// No network faults (process faults only when their weights are given).
    case none

    /// What this backend can inject: the one capability table.
    public var capabilities: NetworkFaultCapabilities {
        switch self {
        case .proxy:
            NetworkFaultCapabilities(delay: true, corruption: true, loss: false, isolation: true)
        case .netem:
            NetworkFaultCapabilities(delay: true, corruption: true, loss: true, isolation: true)
        case .none:
            NetworkFaultCapabilities(delay: false, corruption: false, loss: false, isolation: false)
        }
    }

    /// Why this backend cannot inject `kind`, and what to use instead; nil when it can.
    public func limitation(of kind: FaultKind) -> String? {
        guard kind.isNetworkFault, !capabilities.supports(kind) else { return nil }
        switch self {
        case .none: return "needs a network backend; use --faults proxy or --faults netem"
        case .proxy where kind == .loss:
            return "needs --faults netem (a TCP proxy cannot lose bytes mid-stream)"
        default: return "cannot be injected by --faults \(rawValue)"
        }
    }
}

/// Which network faults a backend can inject.
public struct NetworkFaultCapabilities: Sendable, Hashable {
    /// Delay and jitter.
    public var delay: Bool
    /// Corruption.
    public var corruption: Bool
    /// Packet loss.
    public var loss: Bool
    /// Cutting one replica off.
    public var isolation: Bool

    /// Creates a capability set.
    public init(delay: Bool, corruption: Bool, loss: Bool, isolation: Bool) {
        self.delay = delay
        self.corruption = corruption
        self.loss = loss
        self.isolation = isolation
    }

    /// Whether a backend with these capabilities can carry out `kind` (non-network kinds and
    /// `network-heal` always can).
    public func supports(_ kind: FaultKind) -> Bool {
        switch kind {
        case .delay: delay
        case .corrupt: corruption
        case .loss: loss
        case .isolate: isolation
        default: true
        }
    }

    /// The fault kinds with a weight above 0 that these capabilities cannot inject.
    public func unsupportedKinds(among weights: FaultWeights) -> [FaultKind] {
        FaultKind.allCases.filter { weights[$0] > 0 && !supports($0) }
    }
}

/// A network backend: started before the replicas, told the active faults as a whole, stopped
/// (healed and removed) after them.
public protocol NetworkBackend: Sendable {
    /// Starts the backend (proxies listen); returns once it is ready.
    func start() async throws
    /// Makes `faults` the active faults (``NetworkFaults/healed`` heals everything).
    func apply(_ faults: NetworkFaults) async throws
    /// Heals and removes everything the backend set up.
    func stop() async
    /// Lines for the end of the run's log: what the backend did.
    func counterLines() -> [String]
}
