// Validation of `--workload`, and of the register workload's own flags (`--clients`,
// `--request-timeout`), which mean nothing to the ledger and are refused with it rather than
// silently ignored.

/// The options of a register run.
public struct RegisterOptions: Sendable, Hashable {
    /// Concurrent clients, one driver process each.
    public var clients: Int
    /// How long a client waits for a reply before the operation's outcome is unknown and its
    /// driver is replaced.
    public var requestTimeout: Duration

    /// The most concurrent clients (each is a driver process).
    public static let clientsMax = 32
}

extension RunConfiguration {
    /// The workload and its options, from `--workload`, `--clients` and `--request-timeout`.
    static func parseWorkload(
        _ options: RunOptions
    ) throws(ConfigurationError) -> (kind: WorkloadKind, register: RegisterOptions?) {
        guard let kind = WorkloadKind(rawValue: options.workload) else {
            throw ConfigurationError(
                "--workload '\(options.workload)' is not a workload; use \(WorkloadKind.names)"
            )
        }
        guard kind == .register else {
            for (flag, value) in [
                ("--clients", options.clients), ("--request-timeout", options.requestTimeout),
            ] where value != nil {
                throw ConfigurationError(
                    "\(flag) applies to --workload register only; drop it or add "
                        + "--workload register"
                )
            }
            return (kind, nil)
        }
        let clientsText = options.clients ?? RunOptions.defaultClients
        guard let clients = Int(clientsText), (1...RegisterOptions.clientsMax).contains(clients)
        else {
            throw ConfigurationError(
                "--clients '\(clientsText)' is out of range; use a number from 1 to "
                    + "\(RegisterOptions.clientsMax)"
            )
        }
        let requestTimeout = try DurationSyntax.parse(
            options.requestTimeout ?? RunOptions.defaultRequestTimeout,
            name: "--request-timeout"
        )
        return (kind, RegisterOptions(clients: clients, requestTimeout: requestTimeout))
    }
}
