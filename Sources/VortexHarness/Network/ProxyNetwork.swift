// The proxy network backend: one FaultProxy (SwiftNIO) in front of every proxied replica port,
// listening on the layout's proxy ports. Cluster-wide delay, corruption, bandwidth and clog go to
// every proxy in both directions (as the original). Loss, duplication and reordering are not
// offered: a TCP byte stream has no packets to lose, duplicate or reorder.
//
// The proxies listen on the run's address; every replica is its own host (ReplicaHosts), so a
// proxy tells which replica opened an accepted connection from the connection's source address
// (127.1.0.(i+1) is replica i; the driver's, the run's own, is none).
//
// Partitions and per-link faults act on the links between replicas only. Replica j's proxy
// knows, for a connection from replica i, that its bytes toward the upstream travel the link
// i → j and those back to the client the link j → i. Both links cut: the connection is closed, established or new (i is an
// isolated source of j's proxies). One cut: that direction is clogged, so nothing crosses it and
// the other direction still flows (a source fault). A link delay delays that direction on top of
// any cluster-wide delay. Connections of no replica (the driver's) are never partitioned.

import FaultProxy
import NIOCore
import NIOPosix
import Synchronization

/// Network faults through userspace TCP proxies.
final class ProxyNetwork: NetworkBackend, Sendable {
    private let endpoints: [ProxyEndpoint]
    private let replicaCount: Int
    private let corruptiblePorts: Set<String>
    private let seed: UInt64
    private let group: MultiThreadedEventLoopGroup
    private let proxies = Mutex<[(endpoint: ProxyEndpoint, proxy: FaultProxy)]>([])

    /// A proxy in front of every proxied port of `layout`.
    convenience init(layout: ClusterLayout, corruptiblePorts: [String], seed: UInt64) {
        self.init(endpoints: layout.proxies, corruptiblePorts: corruptiblePorts, seed: seed)
    }

    /// A proxy per endpoint (a listen port 0 picks a free port: see `proxy(replica:portName:)`).
    init(endpoints: [ProxyEndpoint], corruptiblePorts: [String], seed: UInt64) {
        self.endpoints = endpoints
        self.replicaCount = (endpoints.map(\.replica).max() ?? -1) + 1
        self.corruptiblePorts = Set(corruptiblePorts)
        self.seed = seed
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Tells an accepted connection's source: the replica whose host's address it comes from.
    static let replicaClassifier: ConnectionClassifier = { peer, _ in
        peer.ipAddress.flatMap(ClusterLayout.replica(atHost:))
    }

    /// Starts every proxy; returns once all listen.
    func start() async throws {
        for (index, endpoint) in endpoints.enumerated() {
            let proxy = try await FaultProxy.start(
                listen: try SocketAddress(
                    ipAddress: endpoint.listenHost,
                    port: endpoint.listenPort
                ),
                upstream: try SocketAddress(
                    ipAddress: endpoint.upstreamHost,
                    port: endpoint.upstreamPort
                ),
                seed: seed &+ UInt64(index),
                classifier: Self.replicaClassifier,
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
                    replicaCount: replicaCount,
                    corruptible: corruptiblePorts.contains(endpoint.portName)
                )
            )
        }
    }

    /// Resets every connection to `replica`'s proxies, and on the others those it opened.
    func resetConnections(replica: Int) async throws {
        let all = proxies.withLock { $0 }
        for (endpoint, proxy) in all {
            if endpoint.replica == replica {
                await proxy.resetConnections()
            } else {
                await proxy.resetConnections(source: replica)
            }
        }
    }

    /// The faults of the proxy in front of a port of `replica` under `faults`.
    static func proxyFaults(
        _ faults: NetworkFaults,
        replica: Int,
        replicaCount: Int,
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
        direction.bandwidthBytesPerSecond = faults.bandwidthBytesPerSecond
        direction.clogged = faults.clogged
        var proxyFaults = ProxyFaults.both(direction)
        for source in 0..<replicaCount where source != replica {
            // Bytes toward the upstream travel source → replica; bytes back, replica → source.
            let inward = ReplicaLink(from: source, to: replica)
            let outward = inward.reversed
            let partition = faults.partition
            let inwardCut = partition.map { !$0.carries(from: source, to: replica) } ?? false
            let outwardCut = partition.map { !$0.carries(from: replica, to: source) } ?? false
            if inwardCut && outwardCut {
                proxyFaults.isolatedSources.insert(source)
                continue
            }
            let own = SourceFaults(
                toUpstream: Self.link(direction, fault: faults.linkFaults[inward], cut: inwardCut),
                toClient: Self.link(direction, fault: faults.linkFaults[outward], cut: outwardCut)
            )
            if own != SourceFaults(toUpstream: direction, toClient: direction) {
                proxyFaults.sourceFaults[source] = own
            }
        }
        return proxyFaults
    }

    /// The cluster-wide `direction` with one link's own fault on top: clogged when the link is
    /// cut, its delay added to the cluster-wide one.
    private static func link(
        _ direction: DirectionFaults,
        fault: LinkFault?,
        cut: Bool
    ) -> DirectionFaults {
        var result = direction
        if cut { result.clogged = true }
        if let delay = fault?.delay {
            result.delay += .milliseconds(delay.delayMs)
            result.jitter += .milliseconds(delay.jitterMs)
        }
        return result
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
