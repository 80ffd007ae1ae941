// Shared set-up for the socket tests: an event loop group, an echo upstream and a FaultProxy in
// front of it, torn down after each test; plus the echo transfer used by several tests.

import FaultProxy
import NIOCore
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A proxy in front of an echo server, both on one event loop group.
struct ProxyFixture {
    let group: MultiThreadedEventLoopGroup
    let echo: EchoServer
    let proxy: FaultProxy

    static func run(
        faults: ProxyFaults = .none,
        seed: UInt64 = 1,
        classifier: ConnectionClassifier? = nil,
        _ body: (ProxyFixture) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let echo = try await EchoServer.start(on: group)
        let proxy = try await startLoopbackProxy(
            upstream: echo.address,
            seed: seed,
            faults: faults,
            classifier: classifier,
            on: group
        )
        let fixture = ProxyFixture(group: group, echo: echo, proxy: proxy)
        do {
            try await body(fixture)
        } catch {
            await fixture.tearDown()
            throw error
        }
        await fixture.tearDown()
    }

    private func tearDown() async {
        await proxy.stop()
        await echo.stop()
        try? await group.shutdownGracefully()
    }
}

/// A proxy listening on an ephemeral port of 127.0.0.1 in front of `upstream`.
func startLoopbackProxy(
    upstream: SocketAddress,
    seed: UInt64 = 1,
    faults: ProxyFaults = .none,
    classifier: ConnectionClassifier? = nil,
    on group: any EventLoopGroup
) async throws -> FaultProxy {
    try await FaultProxy.start(
        listen: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
        upstream: upstream,
        seed: seed,
        faults: faults,
        classifier: classifier,
        on: group
    )
}

/// 127.0.0.1:`port`.
func loopbackAddress(port: Int) throws -> SocketAddress {
    try SocketAddress(ipAddress: "127.0.0.1", port: port)
}

/// Sends `bytesPerConnection` random bytes on each of `connections` connections in random-sized
/// writes, half-closes, and checks that exactly the same bytes come back followed by EOF.
/// Returns a description of every failure.
func echoTransfer(
    port: Int,
    connections: Int,
    bytesPerConnection: Int,
    seed: UInt64
) async throws -> [String] {
    let sockets = try (0..<connections).map { _ in try BlockingSocket.connect(port: port) }
    defer {
        for socket in sockets { socket.close() }
    }
    return await onThreads(connections * 2) { index in
        let connection = index / 2
        let socket = sockets[connection]
        let data = randomBytes(count: bytesPerConnection, seed: seed &+ UInt64(connection))
        try data.withUnsafeBytes { expected in
            if index % 2 == 0 {
                var offset = 0
                var writeSize = 1
                while offset < expected.count {
                    writeSize = writeSize * 7 % 200_003 + 1
                    let end = min(expected.count, offset + writeSize)
                    try socket.sendAll(UnsafeRawBufferPointer(rebasing: expected[offset..<end]))
                    offset = end
                }
                socket.shutdownWrite()
                return
            }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 8)
            defer { buffer.deallocate() }
            var received = 0
            while true {
                let count = try socket.receive(into: buffer)
                if count == 0 { break }
                guard received + count <= expected.count,
                    let actual = buffer.baseAddress,
                    let wanted = expected.baseAddress,
                    memcmp(actual, wanted + received, count) == 0
                else {
                    throw TransferMismatch(connection: connection, offset: received)
                }
                received += count
            }
            guard received == expected.count else {
                throw TransferMismatch(connection: connection, offset: received)
            }
        }
    }
}

extension BlockingSocket {
    /// Receives exactly `expected`, then end of stream; otherwise throws `TransferMismatch`.
    func receiveExactlyThenEnd(_ expected: [UInt8], connection: Int = 0) throws {
        guard try receive(exactly: expected.count) == expected else {
            throw TransferMismatch(connection: connection, offset: 0)
        }
        guard try receive(upTo: 1).isEmpty else {
            throw TransferMismatch(connection: connection, offset: expected.count)
        }
    }
}

struct TransferMismatch: Error, CustomStringConvertible {
    let connection: Int
    let offset: Int
    var description: String { "connection \(connection): stream differs or ends at \(offset)" }
}
