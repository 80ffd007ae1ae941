// Where every replica listens and how everyone else reaches it. Each replica is its own network
// host (Network/ReplicaHosts.swift): replica i has the address 127.1.0.(i+1), the run's namespace
// (the driver, the proxies) 127.1.0.254. Inside the run's private namespaces fixed ports never
// collide (as the original's 4000+i), so the whole layout is known before anything starts: real
// ports 4000 + 10·k + i for the target's k-th port of replica i on the replica's own address, and
// proxy ports 5000 + 10·k + i on the run's address in front of them when the proxy backend
// interposes on that port.

/// One proxy the proxy backend runs: it listens on `listenPort` and forwards to `upstreamPort`.
public struct ProxyEndpoint: Sendable, Hashable {
    /// The replica whose port is behind the proxy.
    public let replica: Int
    /// The target's name of the port (`peer`, `client`).
    public let portName: String
    /// Where the proxy accepts connections: the run's address.
    public let listenHost: String
    /// Where the proxy accepts connections (the advertised port).
    public let listenPort: Int
    /// Where the replica listens: its own address.
    public let upstreamHost: String
    /// Where the replica listens (the real port).
    public let upstreamPort: Int
}

/// Real, advertised and proxy ports of every replica, and the address strings built from them.
public struct ClusterLayout: Sendable, Hashable {
    /// First real port; replica i's k-th port is `realPortBase + portNameStride·k + i`.
    public static let realPortBase = 4_000
    /// First proxy port, same scheme as the real ports.
    public static let proxyPortBase = 5_000
    /// Distance between the port ranges of two port names (more than `replicaCountMax`).
    public static let portNameStride = 10
    /// Most port names a target may declare (so the ranges stay below the proxy range).
    public static let portNamesMax = 9
    /// Most replicas a run may have, as the original's `replicas_max`.
    public static let replicaCountMax = 6
    /// The run's own address (the driver's and the proxies'), on the bridge of the replicas'
    /// hosts.
    public static let runHost = "127.1.0.254"
    /// The first three parts of every host's address.
    static let hostNetwork = "127.1.0."

    /// The address of replica `replica`'s own host: 127.1.0.(replica+1).
    public static func replicaHost(_ replica: Int) -> String {
        precondition(replica >= 0 && replica < replicaCountMax, "replica index in range")
        return "\(hostNetwork)\(replica + 1)"
    }

    /// The replica whose host has `address`, or nil (the run's address, anything else).
    public static func replica(atHost address: String) -> Int? {
        guard address.hasPrefix(hostNetwork),
            let last = Int(address.dropFirst(hostNetwork.count)),
            (1...replicaCountMax).contains(last)
        else { return nil }
        return last - 1
    }

    /// Number of replicas.
    public let replicaCount: Int
    /// The target's port names, in the order it declares them.
    public let portNames: [String]
    /// The port names that have a proxy in front of them in this run (empty without proxies).
    public let proxiedPortNames: [String]

    /// Creates a layout.
    ///
    /// - Parameters:
    ///   - replicaCount: 1 through ``replicaCountMax``.
    ///   - portNames: the target's port names, 1 through ``portNamesMax`` distinct names.
    ///   - proxiedPortNames: a subset of `portNames`; pass `[]` when no proxy runs.
    public init(
        replicaCount: Int,
        portNames: [String],
        proxiedPortNames: [String]
    ) {
        precondition(replicaCount >= 1, "a cluster has at least one replica")
        precondition(replicaCount <= Self.replicaCountMax, "at most replicaCountMax replicas")
        precondition(!portNames.isEmpty, "a target has at least one port")
        precondition(portNames.count <= Self.portNamesMax, "at most portNamesMax ports")
        precondition(Set(portNames).count == portNames.count, "port names are distinct")
        precondition(proxiedPortNames.allSatisfy(portNames.contains), "proxied ports are declared")
        self.replicaCount = replicaCount
        self.portNames = portNames
        self.proxiedPortNames = proxiedPortNames
    }

    /// Replica `replica`'s own address.
    public func host(replica: Int) -> String {
        precondition(replica >= 0 && replica < replicaCount, "replica index in range")
        return Self.replicaHost(replica)
    }

    private func portIndex(_ name: String) -> Int {
        guard let index = portNames.firstIndex(of: name) else {
            preconditionFailure("port '\(name)' is not one of \(portNames)")
        }
        return index
    }

    /// The port replica `replica` listens on for `name`.
    public func realPort(_ name: String, replica: Int) -> Int {
        precondition(replica >= 0 && replica < replicaCount, "replica index in range")
        return Self.realPortBase + Self.portNameStride * portIndex(name) + replica
    }

    /// The proxy port in front of replica `replica`'s `name` port, or nil when not proxied.
    public func proxyPort(_ name: String, replica: Int) -> Int? {
        precondition(replica >= 0 && replica < replicaCount, "replica index in range")
        guard proxiedPortNames.contains(name) else { return nil }
        return Self.proxyPortBase + Self.portNameStride * portIndex(name) + replica
    }

    /// The port everyone else uses to reach replica `replica`'s `name` port.
    public func advertisedPort(_ name: String, replica: Int) -> Int {
        proxyPort(name, replica: replica) ?? realPort(name, replica: replica)
    }

    /// The host everyone else uses to reach replica `replica`'s `name` port: the run's address
    /// when a proxy is in front of it, else the replica's own.
    public func advertisedHost(_ name: String, replica: Int) -> String {
        proxyPort(name, replica: replica) == nil ? host(replica: replica) : Self.runHost
    }

    /// `host:port` everyone else uses to reach replica `replica`'s `name` port.
    public func advertisedAddress(_ name: String, replica: Int) -> String {
        "\(advertisedHost(name, replica: replica)):\(advertisedPort(name, replica: replica))"
    }

    /// `host:port` replica `replica` listens on for `name`.
    public func realAddress(_ name: String, replica: Int) -> String {
        "\(host(replica: replica)):\(realPort(name, replica: replica))"
    }

    /// `host:port` of every replica's `name` port as replica `replica` sees them: its own real
    /// address at its own index, the advertised address of every other (TigerBeetle's
    /// `--addresses`).
    public func addresses(_ name: String, seenBy replica: Int) -> String {
        (0..<replicaCount).map { index in
            index == replica
                ? realAddress(name, replica: index) : advertisedAddress(name, replica: index)
        }.joined(separator: ",")
    }

    /// `host:port` of every replica's advertised `name` port, in replica order.
    public func advertisedAddresses(_ name: String) -> String {
        (0..<replicaCount).map { advertisedAddress(name, replica: $0) }.joined(separator: ",")
    }

    /// `r0=http://host:port,…`: every replica's advertised `name` port in etcd's
    /// `--initial-cluster` form.
    public func members(_ name: String) -> String {
        (0..<replicaCount).map {
            "\(Self.memberName(replica: $0))=http://\(advertisedAddress(name, replica: $0))"
        }.joined(separator: ",")
    }

    /// The member name of a replica: `r<index>`.
    public static func memberName(replica: Int) -> String { "r\(replica)" }

    /// The addresses argument of the driver (docs/workload.md, the driver protocol): the
    /// advertised `name` addresses, `host:port` comma-separated (every replica has a host of its
    /// own, so a bare port, as the original passed, would not do).
    public func driverAddresses(_ name: String) -> String {
        advertisedAddresses(name)
    }

    /// Every proxy the proxy backend must run, replica by replica.
    public var proxies: [ProxyEndpoint] {
        (0..<replicaCount).flatMap { replica in
            proxiedPortNames.compactMap { name in
                guard let listenPort = proxyPort(name, replica: replica) else { return nil }
                return ProxyEndpoint(
                    replica: replica,
                    portName: name,
                    listenHost: Self.runHost,
                    listenPort: listenPort,
                    upstreamHost: host(replica: replica),
                    upstreamPort: realPort(name, replica: replica)
                )
            }
        }
    }
}
