// The targets vortex knows without a file: `etcd` (the default; Debian's etcd 3.4, with a driver
// for each workload) and `tigerbeetle` (the original vortex's command lines, with the user's
// binary and ledger driver).
// Both are ordinary target definitions, so docs/targets.md can show them as target files.

/// The built-in targets, by name.
public enum BuiltinTargets {
    /// Names accepted by `--target` besides a file path, in the order `vortex targets` lists them.
    public static let names = ["etcd", "tigerbeetle"]

    /// The built-in target called `name`, or nil.
    public static func target(named name: String) -> TargetDefinition? {
        switch name {
        case "etcd": etcd
        case "tigerbeetle": tigerbeetle
        default: nil
        }
    }

    /// etcd 3.4: member i listens on its own host's real peer and client ports and advertises
    /// the addresses others reach it by (the proxies'); the initial cluster names every member by
    /// its advertised peer address; pre-vote is on so an isolated member does not inflate its
    /// term and disrupt the cluster when it returns.
    public static let etcd: TargetDefinition = build {
        () throws(ConfigurationError) -> TargetDefinition in
        let ports = ["peer", "client"]
        let start = try CommandTemplate(
            [
                "etcd",
                "--name={member}",
                "--data-dir={data}",
                "--listen-peer-urls=http://{host}:{port.peer}",
                "--listen-client-urls=http://{host}:{port.client}",
                "--initial-advertise-peer-urls=http://{advertised-address.peer}",
                "--advertise-client-urls=http://{advertised-address.client}",
                "--initial-cluster={members.peer}",
                "--initial-cluster-state=new",
                "--initial-cluster-token=vortex-{cluster}",
                "--pre-vote=true",
                "--max-txn-ops=32768",
                "--max-request-bytes=16777216",
                // Long runs keep every transfer: room for hours of them, and fewer snapshots.
                "--quota-backend-bytes=8589934592",
                "--snapshot-count=10000",
                "--logger=zap",
                "--log-outputs=stderr",
            ],
            ports: ports,
            field: "etcd replica.start"
        )
        let driver = try CommandTemplate(
            ["{vortex-dir}/vortex-driver-etcd"],
            ports: ports,
            field: "etcd driver.command"
        )
        let registerDriver = try CommandTemplate(
            ["{vortex-dir}/vortex-driver-etcd-register"],
            ports: ports,
            field: "etcd driver.commands.register"
        )
        return try TargetDefinition(
            name: "etcd",
            summary: "etcd 3.4 (Debian etcd-server); drivers vortex-driver-etcd (ledger) and "
                + "vortex-driver-etcd-register (register); pre-vote on",
            ports: ports,
            proxiedPorts: ports,
            corruptiblePorts: [],
            prepare: nil,
            start: start,
            startupGrace: .seconds(5),
            driver: DriverDefinition(
                command: driver,
                addressesPort: "client",
                workloads: [.ledger, .register],
                workloadCommands: [.register: registerDriver]
            ),
            maxEventsPerRequest: 128,
            replicaInstallHint: "install etcd-server (apt-get install etcd-server)",
            driverInstallHint: "build it next to vortex (swift build) or pass --driver-command"
        )
    }

    /// TigerBeetle with the user's binary (`--tigerbeetle-executable`) and driver
    /// (`--driver-command`): the original's format and start command lines.
    public static let tigerbeetle: TargetDefinition = build {
        () throws(ConfigurationError) -> TargetDefinition in
        let ports = ["replica"]
        let dataFile = "{data}/{cluster}_{replica}.tigerbeetle"
        let prepare = try CommandTemplate(
            [
                "{tigerbeetle}", "format", "--cluster={cluster}", "--replica={replica}",
                "--replica-count={replica-count}", dataFile,
            ],
            ports: ports,
            field: "tigerbeetle replica.prepare"
        )
        let start = try CommandTemplate(
            ["{tigerbeetle}", "start", "--addresses={addresses.replica}", dataFile],
            ports: ports,
            field: "tigerbeetle replica.start"
        )
        return try TargetDefinition(
            name: "tigerbeetle",
            summary: "TigerBeetle (needs --tigerbeetle-executable and --driver-command); "
                + "~3 GiB RAM per replica",
            ports: ports,
            proxiedPorts: ports,
            prepare: prepare,
            start: start,
            startupGrace: .seconds(10),
            driver: DriverDefinition(command: nil, addressesPort: "replica"),
            maxEventsPerRequest: TargetDefinition.maxEventsPerRequestLimit
        )
    }

    private static func build(
        _ body: () throws(ConfigurationError) -> TargetDefinition
    ) -> TargetDefinition {
        do {
            return try body()
        } catch {
            preconditionFailure("built-in target is invalid: \(error)")
        }
    }
}
