// Each replica its own network host (docs/architecture.md, "Each replica its own host"): inside
// the run's network namespace a bridge joins one network namespace per replica through a veth
// pair. Replica i has the address 127.1.0.(i+1) on its `eth0`; the run's namespace (the driver,
// the proxies) has 127.1.0.254 on the bridge. The loopback range crosses the veths because
// `route_localnet` is set on every interface and in every namespace, and nothing leaves the
// run's namespace: the bridge has no other port and no route goes out. A replica's process joins
// its namespace at spawn, and keeps its address across restarts (the namespace outlives it).
// Whoever receives a connection sees the sender's own address, so the proxy tells replicas apart
// by source address and netem shapes a link by address.

import Netem

/// The replicas' network namespaces and the links that join them.
final class ReplicaHosts: Sendable {
    /// The bridge in the run's namespace.
    static let bridgeName = "vortex0"
    /// The replicas' side of each veth pair, inside each replica's namespace.
    static let replicaInterfaceName = "eth0"
    /// The prefix length of the hosts' network (127.1.0.0/16).
    static let prefixLength = 16

    /// Each replica's namespace, by index.
    let namespaces: [NetworkNamespaceFile]
    /// A netlink socket in each replica's namespace, by index.
    let replicaSockets: [RouteSocket]
    /// A netlink socket in the run's namespace.
    let runSocket: RouteSocket
    /// The bridge.
    let bridge: Netem.Link
    /// Each replica's interface, inside its namespace.
    let replicaInterfaces: [Netem.Link]

    /// The run-namespace side of replica `replica`'s veth pair.
    static func hostInterfaceName(replica: Int) -> String { "vortex-r\(replica)" }

    /// Builds the hosts of `replicaCount` replicas in the caller's network namespace.
    /// - Throws: `NetemError` when the kernel refuses (no bridge or veth support, no
    ///   CAP_NET_ADMIN).
    init(replicaCount: Int) throws(NetemError) {
        precondition(
            replicaCount >= 1 && replicaCount <= ClusterLayout.replicaCountMax,
            "replica count in range"
        )
        let runSocket = try RouteSocket(namespace: .current)
        try NetworkNamespaceFile.setSysctlInCurrentNamespace(Self.routeLocalnet("all"), "1")
        let bridge = try runSocket.addBridge(named: Self.bridgeName)
        try runSocket.addAddress(
            ClusterLayout.runHost,
            prefixLength: Self.prefixLength,
            to: bridge
        )
        try NetworkNamespaceFile.setSysctlInCurrentNamespace(
            Self.routeLocalnet(Self.bridgeName),
            "1"
        )
        try runSocket.setUp(bridge)
        var namespaces: [NetworkNamespaceFile] = []
        var sockets: [RouteSocket] = []
        var interfaces: [Netem.Link] = []
        for replica in 0..<replicaCount {
            let namespace = try NetworkNamespaceFile()
            let hostSide = try runSocket.addVethPair(
                named: Self.hostInterfaceName(replica: replica),
                peerName: Self.replicaInterfaceName,
                peerNamespace: namespace
            )
            try runSocket.setUp(hostSide, master: bridge)
            let socket = try RouteSocket(namespace: namespace.namespace)
            try socket.setUp(try socket.link(named: "lo"))
            let interface = try socket.link(named: Self.replicaInterfaceName)
            try socket.addAddress(
                ClusterLayout.replicaHost(replica),
                prefixLength: Self.prefixLength,
                to: interface
            )
            try namespace.setSysctl(Self.routeLocalnet("all"), "1")
            try namespace.setSysctl(Self.routeLocalnet(Self.replicaInterfaceName), "1")
            try socket.setUp(interface)
            namespaces.append(namespace)
            sockets.append(socket)
            interfaces.append(interface)
        }
        self.runSocket = runSocket
        self.bridge = bridge
        self.namespaces = namespaces
        self.replicaSockets = sockets
        self.replicaInterfaces = interfaces
    }

    private static func routeLocalnet(_ interface: String) -> String {
        "net/ipv4/conf/\(interface)/route_localnet"
    }
}
