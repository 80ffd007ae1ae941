// The workloads a run can drive (`--workload`): TigerBeetle's ledger (the original's, over its
// binary protocol, checked by a model) and a key-value register (JSON lines, several concurrent
// clients, checked for linearizability). A target's driver says which ones it speaks.

/// A workload vortex can run against a cluster.
public enum WorkloadKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// TigerBeetle's ledger: one client, the binary protocol, reconciled with a model.
    case ledger
    /// Integer registers: concurrent clients, JSON lines, a linearizability check.
    case register

    /// The name `--workload` and target files use.
    public var description: String { rawValue }

    /// The names, for error lines: `ledger or register`.
    static var names: String {
        allCases.map(\.rawValue).joined(separator: " or ")
    }
}
