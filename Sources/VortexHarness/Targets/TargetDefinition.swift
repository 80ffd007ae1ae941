// What vortex needs to know about a system under test: how to prepare and start replica i, which
// of its ports carry replica and client traffic (the ones the proxy backend interposes on), how
// long a started replica needs before it counts as healthy, and which driver speaks for it.
// Built-in targets and target files (TOML or YAML) produce the same value.

/// How a workload reaches the cluster: a driver process per client, speaking the workload's
/// protocol (docs/workload.md).
public struct DriverDefinition: Sendable, Hashable {
    /// The driver command of every workload in ``workloads`` that has no command of its own in
    /// ``workloadCommands``, or nil when the user must give `--driver-command`. The harness appends
    /// the original's two arguments: `<cluster> <addresses>`.
    public var command: CommandTemplate?
    /// The port whose advertised addresses the driver receives (e.g. `client`).
    public var addressesPort: String
    /// The workloads the target's drivers speak, in the order a listing shows them.
    public var workloads: [WorkloadKind]
    /// The commands of workloads whose driver is not ``command``.
    public var workloadCommands: [WorkloadKind: CommandTemplate]

    /// Creates a driver definition; by default the driver speaks the ledger only.
    public init(
        command: CommandTemplate?,
        addressesPort: String,
        workloads: [WorkloadKind] = [.ledger],
        workloadCommands: [WorkloadKind: CommandTemplate] = [:]
    ) {
        self.command = command
        self.addressesPort = addressesPort
        self.workloads = workloads
        self.workloadCommands = workloadCommands
    }

    /// The command that drives `workload`, or nil when the target has none for it (it does not
    /// speak that workload, or the user must give `--driver-command`).
    public func command(for workload: WorkloadKind) -> CommandTemplate? {
        guard workloads.contains(workload) else { return nil }
        return workloadCommands[workload] ?? command
    }

    /// Every command the definition holds.
    var allCommands: [CommandTemplate] {
        [command].compactMap { $0 }
            + WorkloadKind.allCases.compactMap { workloadCommands[$0] }
    }
}

/// A system under test, as a built-in or a target file describes it.
public struct TargetDefinition: Sendable, Hashable {
    /// Short name (`etcd`, `tigerbeetle`, or the file's `name`).
    public var name: String
    /// One line for `vortex targets`.
    public var summary: String
    /// The port names every replica has, in order (`peer`, `client`).
    public var ports: [String]
    /// The ports the proxy backend interposes on: a non-empty subset of ``ports``.
    public var proxiedPorts: [String]
    /// The proxied ports whose traffic the proxy backend may corrupt: those whose protocol
    /// detects corruption (TigerBeetle checksums every message; etcd's protocols do not, and a
    /// corrupted peer stream crashes a member). Netem corrupts packets, which TCP's checksum
    /// catches, so it ignores this list.
    public var corruptiblePorts: [String]
    /// Run once per replica before its first start (e.g. `tigerbeetle format`); nil for none.
    public var prepare: CommandTemplate?
    /// Starts replica i; also used for every restart.
    public var start: CommandTemplate
    /// How long a started replica may take before it counts as healthy for liveness.
    public var startupGrace: Duration
    /// The driver for this target.
    public var driver: DriverDefinition
    /// The most events one request may carry (the original: 8189).
    public var maxEventsPerRequest: Int
    /// The cluster id passed to drivers and `{cluster}` (the original passes 0).
    public var cluster: UInt64
    /// How to get the replica executable when it is missing (the end of an error line).
    public var replicaInstallHint: String
    /// How to get the built-in driver when it is missing (the end of an error line).
    public var driverInstallHint: String

    /// The largest value of ``maxEventsPerRequest`` (the original's `events_count_max`).
    public static let maxEventsPerRequestLimit = 8_189

    /// Creates a target and checks it is self-consistent.
    ///
    /// - Throws: ``ConfigurationError`` for empty or unknown port lists, a driver port that is not
    ///   declared, an events limit out of range or a zero start-up grace.
    public init(
        name: String,
        summary: String,
        ports: [String],
        proxiedPorts: [String],
        corruptiblePorts: [String]? = nil,
        prepare: CommandTemplate?,
        start: CommandTemplate,
        startupGrace: Duration,
        driver: DriverDefinition,
        maxEventsPerRequest: Int,
        cluster: UInt64 = 0,
        replicaInstallHint: String? = nil,
        driverInstallHint: String? = nil
    ) throws(ConfigurationError) {
        try Self.checkPorts(ports: ports, proxiedPorts: proxiedPorts, target: name)
        for port in corruptiblePorts ?? [] where !proxiedPorts.contains(port) {
            throw ConfigurationError(
                "target \(name): corruptible port '\(port)' is not one of its proxied ports "
                    + "(\(proxiedPorts.joined(separator: ", ")))"
            )
        }
        guard ports.contains(driver.addressesPort) else {
            throw ConfigurationError(
                "target \(name): driver.addresses-port '\(driver.addressesPort)' is not one of "
                    + "its ports (\(ports.joined(separator: ", "))); name one of them"
            )
        }
        guard (1...Self.maxEventsPerRequestLimit).contains(maxEventsPerRequest) else {
            throw ConfigurationError(
                "target \(name): max-events-per-request \(maxEventsPerRequest) is out of range; "
                    + "use 1 through \(Self.maxEventsPerRequestLimit)"
            )
        }
        guard startupGrace > .zero else {
            throw ConfigurationError("target \(name): startup-grace must be positive, e.g. 5s")
        }
        try Self.checkDriver(driver, target: name)
        self.name = name
        self.summary = summary
        self.ports = ports
        self.proxiedPorts = proxiedPorts
        self.corruptiblePorts = corruptiblePorts ?? proxiedPorts
        self.prepare = prepare
        self.start = start
        self.startupGrace = startupGrace
        self.driver = driver
        self.maxEventsPerRequest = maxEventsPerRequest
        self.cluster = cluster
        self.replicaInstallHint =
            replicaInstallHint ?? "install it or fix the commands of target \(name)"
        self.driverInstallHint =
            driverInstallHint ?? "check driver.command of the target or pass --driver-command"
    }

    private static func checkDriver(
        _ driver: DriverDefinition,
        target: String
    ) throws(ConfigurationError) {
        guard !driver.workloads.isEmpty else {
            throw ConfigurationError(
                "target \(target): driver.workloads is empty; list the workloads its driver speaks "
                    + "(\(WorkloadKind.names))"
            )
        }
        guard Set(driver.workloads).count == driver.workloads.count else {
            throw ConfigurationError(
                "target \(target): driver.workloads lists a workload twice; list each once"
            )
        }
        for workload in WorkloadKind.allCases where driver.workloadCommands[workload] != nil {
            guard driver.workloads.contains(workload) else {
                throw ConfigurationError(
                    "target \(target): driver.commands.\(workload) is given but driver.workloads "
                        + "does not list \(workload); add it to driver.workloads"
                )
            }
        }
        try driver.command?.requireClusterWide(field: "target \(target): driver.command")
        for workload in WorkloadKind.allCases {
            try driver.workloadCommands[workload]?.requireClusterWide(
                field: "target \(target): driver.commands.\(workload)"
            )
        }
    }

    private static func checkPorts(
        ports: [String],
        proxiedPorts: [String],
        target: String
    ) throws(ConfigurationError) {
        guard !ports.isEmpty else {
            throw ConfigurationError("target \(target): ports is empty; list the port names")
        }
        guard ports.count <= ClusterLayout.portNamesMax else {
            throw ConfigurationError(
                "target \(target): \(ports.count) ports is too many; at most "
                    + "\(ClusterLayout.portNamesMax)"
            )
        }
        for port in ports {
            let allowed = port.allSatisfy {
                $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-")
            }
            guard !port.isEmpty, allowed else {
                throw ConfigurationError(
                    "target \(target): port name '\(port)' is not valid; use letters, digits, '-'"
                )
            }
        }
        guard Set(ports).count == ports.count else {
            throw ConfigurationError("target \(target): ports lists a name twice; list each once")
        }
        guard !proxiedPorts.isEmpty else {
            throw ConfigurationError(
                "target \(target): proxied-ports is empty; name at least one of its ports "
                    + "(\(ports.joined(separator: ", "))) for network faults"
            )
        }
        for port in proxiedPorts where !ports.contains(port) {
            throw ConfigurationError(
                "target \(target): proxied port '\(port)' is not one of its ports "
                    + "(\(ports.joined(separator: ", ")))"
            )
        }
    }

    /// Every placeholder any of the target's commands uses.
    public var placeholders: [Placeholder] {
        (prepare?.placeholders ?? []) + start.placeholders
            + driver.allCommands.flatMap(\.placeholders)
    }
}
