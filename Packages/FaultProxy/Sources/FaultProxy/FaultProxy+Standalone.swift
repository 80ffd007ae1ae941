// Starting a proxy from user-typed addresses on an event loop group of its own, for standalone
// use (`vortex proxy`, benchmarks) where the caller does not manage SwiftNIO itself. The harness
// runs many proxies and passes one shared group to `FaultProxy.start(listen:upstream:…:on:)`.

import NIOCore
import NIOPosix

extension FaultProxy {
    /// Starts a proxy on a new event loop group of `threads` threads, resolving host names;
    /// `stop()` also shuts that group down.
    public static func start(
        listen: HostAndPort,
        upstream: HostAndPort,
        seed: UInt64,
        faults: ProxyFaults = .none,
        threads: Int = 1
    ) async throws -> FaultProxy {
        precondition(threads >= 1, "a proxy needs at least one thread")
        let listenAddress = try SocketAddress.makeAddressResolvingHost(
            listen.host,
            port: listen.port
        )
        let upstreamAddress = try SocketAddress.makeAddressResolvingHost(
            upstream.host,
            port: upstream.port
        )
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        do {
            return try await start(
                listen: listenAddress,
                upstream: upstreamAddress,
                seed: seed,
                faults: faults,
                classifier: nil,
                on: group,
                ownsGroup: true
            )
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// The listening address as `host:port`, e.g. `127.0.0.1:9000`.
    public var listenEndpoint: HostAndPort {
        HostAndPort(host: listenAddress.ipAddress ?? "?", port: port)
    }
}
