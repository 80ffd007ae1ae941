// FaultProxyBenchmarks: the in-process cost of FaultProxy per 64-byte request/response, with no
// fault (the straight-through fast path), with the fault pipeline engaged but idle (corruption at
// probability 1e-9, so every chunk goes through the queue and a PRNG draw), and direct loopback as
// the baseline; wall clock and mallocs per round trip, for catching regressions.
// The comparison with socat and HAProxy is Benchmarks/proxy-benchmark (docs/benchmarks.md).
//
//   swift package --package-path Benchmarks benchmark --target FaultProxyBenchmarks

import Benchmark
import FaultProxy
import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Echoes every byte back.
private final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}

/// A blocking loopback client socket; returns its fd.
private func connectBlocking(port: Int) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(fd >= 0, "socket failed")
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    precondition(result == 0, "connect failed: \(errno)")
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    return fd
}

/// One 64-byte request/response on a blocking socket.
private func roundTrip(fd: Int32, buffer: UnsafeMutableRawBufferPointer) {
    precondition(send(fd, buffer.baseAddress, buffer.count, 0) == buffer.count, "send failed")
    var received = 0
    while received < buffer.count {
        let count = recv(fd, buffer.baseAddress.map { $0 + received }, buffer.count - received, 0)
        precondition(count > 0, "recv failed")
        received += count
    }
}

/// Runs `benchmark.scaledIterations` round trips through `faults` (or directly when `nil`).
private func measureRoundTrips(_ benchmark: Benchmark, faults: ProxyFaults?) async throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let echo = try await ServerBootstrap(group: group)
        .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(EchoHandler())
            }
        }
        .bind(host: "127.0.0.1", port: 0).get()
    var proxy: FaultProxy?
    if let faults, let upstream = echo.localAddress {
        proxy = try await FaultProxy.start(
            listen: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
            upstream: upstream,
            seed: 1,
            faults: faults,
            on: group
        )
    }
    let fd = connectBlocking(port: proxy?.port ?? echo.localAddress?.port ?? 0)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
    buffer.initializeMemory(as: UInt8.self, repeating: 7)
    for _ in 0..<1000 { roundTrip(fd: fd, buffer: buffer) }  // warm-up
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations { roundTrip(fd: fd, buffer: buffer) }
    benchmark.stopMeasurement()
    buffer.deallocate()
    close(fd)
    await proxy?.stop()
    try await echo.close()
    try await group.shutdownGracefully()
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 1,
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 20
    )

    Benchmark("64 B round trip: direct loopback (baseline)") { benchmark in
        try await measureRoundTrips(benchmark, faults: nil)
    }
    Benchmark("64 B round trip: FaultProxy, no faults") { benchmark in
        try await measureRoundTrips(benchmark, faults: ProxyFaults.none)
    }
    Benchmark("64 B round trip: FaultProxy, fault pipeline engaged") { benchmark in
        let idle = DirectionFaults(corruptProbability: 1e-9)
        try await measureRoundTrips(benchmark, faults: .both(idle))
    }
}
