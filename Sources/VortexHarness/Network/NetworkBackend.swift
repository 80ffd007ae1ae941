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
            NetworkFaultCapabilities([
                .delay, .corrupt, .isolate, .partitionHalves, .partitionBridge, .partitionRing,
                .partitionOneWay, .partitionLink, .linkDelay, .bandwidth, .reset, .clog,
            ])
        case .netem:
            NetworkFaultCapabilities([
                .delay, .corrupt, .loss, .isolate, .partitionHalves, .partitionBridge,
                .partitionRing, .partitionOneWay, .partitionLink, .linkDelay, .linkLoss,
                .bandwidth, .clog, .reorder,
            ])
        case .none:
            NetworkFaultCapabilities([])
        }
    }

    /// Why this backend cannot inject `kind`, and what to use instead; nil when it can.
    public func limitation(of kind: FaultKind) -> String? {
        guard kind.isNetworkFault, !capabilities.supports(kind) else { return nil }
        switch (self, kind) {
        case (.none, _): return "needs a network backend; use --faults proxy or --faults netem"
        case (.proxy, .loss), (.proxy, .linkLoss):
            return "needs --faults netem (a TCP proxy cannot lose bytes mid-stream)"
        case (.proxy, .reorder):
            return "needs --faults netem (a TCP proxy forwards a byte stream: it has no packets "
                + "to reorder)"
        case (.netem, .reset):
            return "needs --faults proxy (netem shapes packets; it cannot reset a connection)"
        case (_, .duplicate):
            return "cannot be injected by any backend here: a TCP proxy has no packets to "
                + "duplicate, and the kernel refuses a duplicating netem beside the other netems "
                + "of an interface (every link has one); leave its weight at 0"
        default: return "cannot be injected by --faults \(rawValue)"
        }
    }
}

/// Which network fault actions a backend can inject.
public struct NetworkFaultCapabilities: Sendable, Hashable {
    /// The network fault actions it can carry out.
    public let kinds: Set<FaultKind>

    /// Creates a capability set.
    public init(_ kinds: Set<FaultKind>) {
        precondition(kinds.allSatisfy(\.isNetworkFault), "capabilities are network faults")
        self.kinds = kinds
    }

    /// Whether a backend with these capabilities can carry out `kind` (non-network kinds and
    /// `network-heal` always can).
    public func supports(_ kind: FaultKind) -> Bool {
        !kind.isNetworkFault || kind == .networkHeal || kinds.contains(kind)
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
    /// Resets every connection to `replica` and every connection it opened (both ends see
    /// ECONNRESET); only backends whose capabilities include `reset` are asked.
    func resetConnections(replica: Int) async throws
    /// Heals and removes everything the backend set up.
    func stop() async
    /// Lines for the end of the run's log: what the backend did.
    func counterLines() -> [String]
}
