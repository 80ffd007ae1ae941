// summary.json's `register` object (docs/user-guide.md, "summary.json"): what a register run's
// clients did and what the linearizability check found. Present only for `--workload register`.

/// The register workload's totals.
public struct RegisterSummary: Sendable, Hashable, Codable {
    /// Operations that completed `ok`.
    public var ok: Int
    /// Operations that completed `fail` (definitely not applied).
    public var fail: Int
    /// Operations whose outcome is unknown (`info`, a timeout, or the end of the run).
    public var info: Int
    /// Keys whose history was checked.
    public var keysChecked: Int
    /// Keys whose check reached its effort bound without a verdict.
    public var keysUndecided: Int
    /// Keys whose history is not linearizable.
    public var keysNotLinearizable: Int
    /// Drivers replaced after a request timed out.
    public var driverRestarts: Int
    /// The keys that are not linearizable, each with the smallest set of operations that cannot
    /// be ordered (empty when every key checked was linearizable).
    public var violations: [RegisterViolationSummary]

    /// The message of a register run that passed.
    var passMessage: String {
        "test duration elapsed; \(keysChecked) keys checked, none not linearizable"
            + (keysUndecided > 0 ? " (\(keysUndecided) undecided)" : "")
    }
}
