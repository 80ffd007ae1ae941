// The proxy network backend: one FaultProxy (SwiftNIO) in front of every proxied replica port,
// listening on the layout's proxy ports. Cluster-wide delay and corruption go to every proxy in
// both directions (as the original). Loss is not offered: a TCP byte stream cannot lose bytes
// mid-stream.
//
// Isolating replica i cuts both directions. i's own proxies are down (close on accept): every
// connection to i is closed, and every new one is accepted and closed at once. Every proxy also
// has i as an isolated source: each proxy tells which replica opened an accepted connection (the
// client socket's owner in /proc, see LoopbackSocketOwner, given the replicas' pids) and closes
// i's connections, established and new, so what i sends to the others over connections it opened
// is cut too. Connections of no replica (the driver's) reach the other replicas as before.

import FaultProxy
import NIOCore
import NIOPosix
import Synchronization

/// Network faults through userspace TCP proxies.
final class ProxyNetwork: NetworkBackend, Sendable {
    private let endpoints: [ProxyEndpoint]
    private let corruptiblePorts: Set<String>
    private let seed: UInt64
    private let classifier: ConnectionClassifier?
    private let group: MultiThreadedEventLoopGroup
    private let proxies = Mutex<[(endpoint: ProxyEndpoint, proxy: FaultProxy)]>([])

    /// A proxy in front of every proxied port of `layout`.
    /// - Parameter replicaProcessIDs: The root process id of each running replica (index → pid),
    ///   read once per accepted connection to tell which replica opened it; without it,
    ///   isolation cuts only the connections to the isolated replica.
    convenience init(
        layout: ClusterLayout,
        corruptiblePorts: [String],
        seed: UInt64,
        replicaProcessIDs: (@Sendable () -> [Int: Int32])?
    ) {
        self.init(
            endpoints: layout.proxies,
            corruptiblePorts: corruptiblePorts,
            seed: seed,
            replicaProcessIDs: replicaProcessIDs
        )
    }

    /// A proxy per endpoint (a listen port 0 picks a free port: see `proxy(replica:portName:)`).
    init(
        endpoints: [ProxyEndpoint],
        corruptiblePorts: [String],
        seed: UInt64,
        replicaProcessIDs: (@Sendable () -> [Int: Int32])?
    ) {
        self.endpoints = endpoints
        self.corruptiblePorts = Set(corruptiblePorts)
        self.seed = seed
        self.classifier = replicaProcessIDs.map(Self.replicaClassifier)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Tells an accepted connection's source: the replica whose process tree opened it.
    private static func replicaClassifier(
        _ replicaProcessIDs: @escaping @Sendable () -> [Int: Int32]
    ) -> ConnectionClassifier {
        { peer, local in
            guard let client = TCPEndpoint(peer), let server = TCPEndpoint(local) else {
                return nil
            }
            return LoopbackSocketOwner.replica(
                client: client,
                server: server,
                replicaRoots: replicaProcessIDs()
            )
        }
    }

    /// Starts every proxy; returns once all listen.
    func start() async throws {
        for (index, endpoint) in endpoints.enumerated() {
            let proxy = try await FaultProxy.start(
                listen: try SocketAddress(ipAddress: endpoint.host, port: endpoint.listenPort),
                upstream: try SocketAddress(ipAddress: endpoint.host, port: endpoint.upstreamPort),
                seed: seed &+ UInt64(index),
                classifier: classifier,
                on: group
            )
            proxies.withLock { $0.append((endpoint, proxy)) }
        }
    }

    /// Each running proxy's endpoint and counters, in start order.
    func counters() -> [(endpoint: ProxyEndpoint, counters: ProxyCounters)] {
        proxies.withLock { proxies in proxies.map { ($0.endpoint, $0.proxy.counters) } }
    }

    func counterLines() -> [String] {
        counters().map { endpoint, counters in
            "proxy \(endpoint.replica) \(endpoint.portName) :\(endpoint.listenPort): \(counters)"
        }
    }

    /// The running proxy in front of `replica`'s `portName` port.
    func proxy(replica: Int, portName: String) -> FaultProxy? {
        proxies.withLock { proxies in
            proxies.first { $0.endpoint.replica == replica && $0.endpoint.portName == portName }?
                .proxy
        }
    }

    func apply(_ faults: NetworkFaults) async throws {
        let all = proxies.withLock { $0 }
        for (endpoint, proxy) in all {
            try await proxy.setFaults(
                Self.proxyFaults(
                    faults,
                    replica: endpoint.replica,
                    corruptible: corruptiblePorts.contains(endpoint.portName)
                )
            )
        }
    }

    static func proxyFaults(
        _ faults: NetworkFaults,
        replica: Int,
        corruptible: Bool
    ) -> ProxyFaults {
        var direction = DirectionFaults()
        if let delay = faults.delay {
            direction.delay = .milliseconds(delay.delayMs)
            direction.jitter = .milliseconds(delay.jitterMs)
        }
        if let percent = faults.corruptionPercent, corruptible {
            direction.corruptProbability = Double(percent) / 100
        }
        var proxyFaults = ProxyFaults.both(direction)
        if let isolated = faults.isolatedReplica {
            // Connections to the isolated replica, and on every proxy the ones it opened.
            if isolated == replica {
                proxyFaults.down = .closeOnAccept
            }
            proxyFaults.isolatedSources = [isolated]
        }
        return proxyFaults
    }

    /// Stops every proxy and the event loop.
    func stop() async {
        let all = proxies.withLock { state in
            defer { state = [] }
            return state
        }
        for (_, proxy) in all.reversed() {
            await proxy.stop()
        }
        try? await group.shutdownGracefully()
    }
}
