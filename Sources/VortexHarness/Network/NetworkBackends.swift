// Builds the network backend `--faults` chose, inside the run's namespaces: the proxies (seeded
// from the run's seeds, listening on the run's address in front of every replica's own host) or
// the netem shaper on every replica's interface and the run's bridge (which probes the kernel
// first and fails with a one-line fix when netem is missing).

import Netem

/// Constructs network backends.
enum NetworkBackends {
    /// The backend of `configuration`, or nil for `--faults none`.
    ///
    /// - Throws: ``ConfigurationError`` when the backend cannot work here (no netem in the kernel).
    static func make(
        _ configuration: RunConfiguration,
        seeds: RunSeeds,
        hosts: ReplicaHosts
    ) throws(ConfigurationError) -> (any NetworkBackend)? {
        switch configuration.faults {
        case .none: return nil
        case .proxy:
            return ProxyNetwork(
                layout: configuration.layout,
                corruptiblePorts: configuration.target.corruptiblePorts,
                seed: seeds.proxy
            )
        case .netem:
            do {
                return try NetemNetwork(hosts: hosts)
            } catch {
                // A missing kernel feature's line already names its fix.
                var fix = "; use --faults proxy, or a kernel with CONFIG_NET_SCH_NETEM"
                if case NetemError.unsupported = error { fix = "" }
                throw ConfigurationError("--faults netem cannot be used here: \(error)\(fix)")
            }
        }
    }
}
