// The proxy network backend: one FaultProxy (SwiftNIO) in front of every proxied replica port,
// listening on the layout's proxy ports. Cluster-wide delay and corruption go to every proxy in
// both directions (as the original); isolating replica i closes and refuses-by-closing every
// connection to its proxies. Loss is not offered: a TCP byte stream cannot lose bytes mid-stream.
//
// On loopback the proxy cannot tell which replica a connection comes from, so isolation cuts the
// connections *to* the replica; traffic it sends over connections it opened itself still flows.

import FaultProxy
import NIOCore
import NIOPosix
import Synchronization

/// Network faults through userspace TCP proxies.
final class ProxyNetwork: NetworkFaultBackend, Sendable {
    let capabilities = NetworkFaultCapabilities(
        delay: true,
        corruption: true,
        loss: false,
        isolation: true
    )
    private let endpoints: [ProxyEndpoint]
    private let corruptiblePorts: Set<String>
    private let seed: UInt64
    private let group: MultiThreadedEventLoopGroup
    private let proxies = Mutex<[(endpoint: ProxyEndpoint, proxy: FaultProxy)]>([])

    init(layout: ClusterLayout, corruptiblePorts: [String], seed: UInt64) {
        self.endpoints = layout.proxies
        self.corruptiblePorts = Set(corruptiblePorts)
        self.seed = seed
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Starts every proxy; returns once all listen.
    func start() async throws {
        for (index, endpoint) in endpoints.enumerated() {
            let proxy = try await FaultProxy.start(
                listen: try SocketAddress(ipAddress: endpoint.host, port: endpoint.listenPort),
                upstream: try SocketAddress(ipAddress: endpoint.host, port: endpoint.upstreamPort),
                seed: seed &+ UInt64(index),
                on: group
            )
            proxies.withLock { $0.append((endpoint, proxy)) }
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
        if faults.isolatedReplica == replica {
            proxyFaults.down = .closeOnAccept
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
