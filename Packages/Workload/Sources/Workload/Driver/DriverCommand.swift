// How a driver is started: `<command tokens...> <cluster> <addresses>` (docs/workload.md).
// The command line is split on single spaces, as the original's `--driver-command`, and never
// goes through a shell; the cluster id is a decimal u128 (vortex passes 0) and the addresses are
// the comma-separated ports of the proxies in front of the replicas.

public import ProcessControl

/// The command line of a driver process and where its stderr goes.
public struct DriverCommand: Sendable, Hashable {
    /// The executable (a path, or a name searched in PATH) and its own arguments.
    public var tokens: [String]
    /// The cluster id passed as the first trailing argument (decimal).
    public var cluster: UInt128
    /// The addresses passed, comma-separated, as the last argument (vortex passes ports).
    public var addresses: [String]
    /// Where the driver's stderr goes (inherited by default: it lands in the vortex log).
    public var standardError: StandardIO
    /// The driver's environment.
    public var environment: Environment

    /// A driver command from its tokens.
    public init(
        tokens: [String],
        cluster: UInt128 = 0,
        addresses: [String],
        standardError: StandardIO = .inherit,
        environment: Environment = .inherit
    ) {
        precondition(!tokens.isEmpty, "a driver command needs an executable")
        self.tokens = tokens
        self.cluster = cluster
        self.addresses = addresses
        self.standardError = standardError
        self.environment = environment
    }

    /// Splits a `--driver-command` value on single spaces, as the original does. Throws one
    /// line saying what is wrong for an empty command or one with quotes (there is no quoting:
    /// put a complicated command line in a script).
    public init(
        commandLine: String,
        cluster: UInt128 = 0,
        addresses: [String],
        standardError: StandardIO = .inherit
    ) throws(DriverCommandError) {
        if commandLine.contains("\"") || commandLine.contains("'") {
            throw DriverCommandError(
                message: "the driver command may not contain quotes (it is split on single "
                    + "spaces, without a shell): put the command line in a script"
            )
        }
        let tokens = commandLine.split(separator: " ").map(String.init)
        guard !tokens.isEmpty else {
            throw DriverCommandError(message: "the driver command is empty")
        }
        self.init(
            tokens: tokens,
            cluster: cluster,
            addresses: addresses,
            standardError: standardError
        )
    }

    /// The full argv: tokens, cluster, addresses.
    public var arguments: [String] {
        tokens + [String(cluster), addresses.joined(separator: ",")]
    }
}

/// A driver command line that cannot be used.
public struct DriverCommandError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line saying what is wrong and how to fix it.
    public let message: String

    /// The message.
    public var description: String { message }
}
