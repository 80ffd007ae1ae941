// Builds the network backend `--faults` chose, inside the run's namespaces: the proxies (seeded
// from the run's seeds; told the replicas' pids only when a fault between replicas can happen,
// since telling connections apart costs a /proc scan per accepted connection) or the netem
// shaper (which probes the kernel and fails with a one-line fix when netem is missing).

import Netem

extension FaultKind {
    /// Whether the action touches the links between replicas (so a backend must tell which
    /// replica a connection comes from): partitions, per-link faults and resets.
    var actsBetweenReplicas: Bool {
        partitionShape != nil || self == .linkDelay || self == .linkLoss || self == .reset
    }
}

/// Constructs network backends.
enum NetworkBackends {
    /// The backend of `configuration`, or nil for `--faults none`.
    ///
    /// - Throws: ``ConfigurationError`` when the backend cannot work here (no netem in the kernel).
    static func make(
        _ configuration: RunConfiguration,
        seeds: RunSeeds,
        replicaProcesses: ReplicaProcessTable
    ) throws(ConfigurationError) -> (any NetworkBackend)? {
        switch configuration.faults {
        case .none: return nil
        case .proxy:
            var replicaProcessIDs: (@Sendable () -> [Int: Int32])?
            if FaultKind.allCases.contains(where: {
                $0.actsBetweenReplicas && configuration.faultWeights[$0] > 0
            }) {
                replicaProcessIDs = { replicaProcesses.current }
            }
            return ProxyNetwork(
                layout: configuration.layout,
                corruptiblePorts: configuration.target.corruptiblePorts,
                seed: seeds.proxy,
                replicaProcessIDs: replicaProcessIDs
            )
        case .netem:
            do {
                return try NetemNetwork(
                    layout: configuration.layout,
                    replicaProcessIDs: { replicaProcesses.current }
                )
            } catch {
                // A missing kernel feature's line already names its fix.
                var fix = "; use --faults proxy, or a kernel with CONFIG_NET_SCH_NETEM"
                if case NetemError.unsupported = error { fix = "" }
                throw ConfigurationError("--faults netem cannot be used here: \(error)\(fix)")
            }
        }
    }
}
