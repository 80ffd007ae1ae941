// Connection lifecycle over real sockets: reset as RST, an unreachable upstream, the two `down`
// modes and their heal, stop closing established connections, and half-close in both directions.

import FaultProxy
import Foundation
import NIOCore
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension SocketTests {
    @Suite struct Lifecycle {
        /// Connects through the proxy and checks one echo round trip.
        static func connectedClient(port: Int) throws -> BlockingSocket {
            let socket = try BlockingSocket.connect(port: port)
            try socket.sendAll([1, 2, 3])
            #expect(try socket.receive(exactly: 3) == [1, 2, 3])
            return socket
        }

        /// The errno of the next read, or 0 for EOF, or -1 when data arrived.
        static func nextReadOutcome(_ socket: BlockingSocket) -> Int32 {
            socket.setReceiveTimeout(milliseconds: 5000)
            do {
                return try socket.receive(upTo: 16).isEmpty ? 0 : -1
            } catch let failure as SocketFailure {
                return failure.code
            } catch {
                return -2
            }
        }

        @Test func resetIsSeenByTheClientAsConnectionReset() async throws {
            try await ProxyFixture.run { fixture in
                let socket = try Self.connectedClient(port: fixture.proxy.port)
                defer { socket.close() }
                await fixture.proxy.resetConnections()
                #expect(Self.nextReadOutcome(socket) == ECONNRESET)
                #expect(fixture.proxy.counters.connectionsReset == 1)
                let again = try Self.connectedClient(port: fixture.proxy.port)
                again.close()
            }
        }

        @Test func upstreamResetIsPassedOnAsReset() async throws {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let upstream = try BlockingSocket.listening()
            defer { upstream.close() }
            let proxy = try await startLoopbackProxy(
                upstream: try loopbackAddress(port: upstream.localPort),
                on: group
            )
            let client = try BlockingSocket.connect(port: proxy.port)
            defer { client.close() }
            let accepted = try #require(upstream.accept())
            try client.sendAll([1])
            #expect(try accepted.receive(exactly: 1) == [1])
            accepted.closeWithReset()
            #expect(Self.nextReadOutcome(client) == ECONNRESET)
            await proxy.stop()
            try await group.shutdownGracefully()
        }

        @Test func unreachableUpstreamClosesTheClientConnection() async throws {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let proxy = try await startLoopbackProxy(
                upstream: try closedPort(),
                on: group
            )
            let socket = try BlockingSocket.connect(port: proxy.port)
            #expect(Self.nextReadOutcome(socket) == 0, "connected, then EOF")
            socket.close()
            #expect(await eventually { proxy.counters.connectionsRejected == 1 })
            #expect(await eventually { proxy.counters.connectionsOpen == 0 })
            await proxy.stop()
            try await group.shutdownGracefully()
        }

        @Test func downWithCloseOnAcceptClosesOldAndNewConnections() async throws {
            try await ProxyFixture.run { fixture in
                let proxy = fixture.proxy
                let established = try Self.connectedClient(port: proxy.port)
                defer { established.close() }
                try await proxy.setFaults(ProxyFaults(down: .closeOnAccept))
                #expect(Self.nextReadOutcome(established) == 0)
                let rejected = try BlockingSocket.connect(port: proxy.port)
                #expect(Self.nextReadOutcome(rejected) == 0, "accepted, then closed")
                rejected.close()
                try await proxy.setFaults(.none)
                let healed = try Self.connectedClient(port: proxy.port)
                healed.close()
            }
        }

        @Test func downWithRefuseRefusesUntilHealedOnTheSamePort() async throws {
            try await ProxyFixture.run { fixture in
                let proxy = fixture.proxy
                let port = proxy.port
                let established = try Self.connectedClient(port: port)
                defer { established.close() }
                try await proxy.setFaults(ProxyFaults(down: .refuse))
                #expect(Self.nextReadOutcome(established) == 0)
                #expect(throws: SocketFailure.self) {
                    _ = try BlockingSocket.connect(port: port)
                }
                do {
                    _ = try BlockingSocket.connect(port: port)
                } catch let failure as SocketFailure {
                    #expect(failure.code == ECONNREFUSED)
                }
                try await proxy.setFaults(.none)
                #expect(proxy.port == port)
                let healed = try Self.connectedClient(port: port)
                healed.close()
            }
        }

        @Test func stopClosesEstablishedConnections() async throws {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let echo = try await EchoServer.start(on: group)
            let proxy = try await startLoopbackProxy(
                upstream: echo.address,
                on: group
            )
            let socket = try Self.connectedClient(port: proxy.port)
            await proxy.stop()
            #expect(Self.nextReadOutcome(socket) == 0)
            socket.close()
            #expect(throws: SocketFailure.self) {
                _ = try BlockingSocket.connect(port: proxy.port)
            }
            #expect(proxy.counters.connectionsOpen == 0)
            await echo.stop()
            try await group.shutdownGracefully()
        }

        @Test func halfCloseFromTheClientIsPropagatedAfterDelayedData() async throws {
            let faults = ProxyFaults.both(DirectionFaults(delay: .milliseconds(30)))
            try await ProxyFixture.run(faults: faults) { fixture in
                let socket = try BlockingSocket.connect(port: fixture.proxy.port)
                defer { socket.close() }
                let data = randomBytes(count: 100_000, seed: 8)
                try socket.sendAll(data)
                socket.shutdownWrite()
                // The echo server only closes after it read EOF, which must come after the data.
                let failures = await onThreads(1) { _ in
                    try socket.receiveExactlyThenEnd(data)
                }
                #expect(failures == [])
            }
        }

        @Test func dataAndEOFReadBeforeTheUpstreamConnectsAreForwarded() async throws {
            // An upstream whose accept queue is full drops the proxy's SYN, so its connect
            // completes only on the SYN retransmit (~1 s) — meanwhile the proxy reads the
            // client's data and FIN (NIO drains a socket on FIN), which must not be lost.
            let upstream = try BlockingSocket.listening(backlog: 0)
            defer { upstream.close() }
            let filler = try BlockingSocket.connect(port: upstream.localPort)
            defer { filler.close() }
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let proxy = try await startLoopbackProxy(
                upstream: try loopbackAddress(port: upstream.localPort),
                on: group
            )
            let client = try BlockingSocket.connect(port: proxy.port)
            defer { client.close() }
            let data = randomBytes(count: 50_000, seed: 21)
            try client.sendAll(data)
            client.shutdownWrite()
            try await Task.sleep(for: .milliseconds(300))
            let failures = await onThreads(1) { _ in
                upstream.accept()?.close()  // the filler
                guard let proxied = upstream.accept() else {
                    throw TransferMismatch(connection: 0, offset: 0)
                }
                defer { proxied.close() }
                proxied.setReceiveTimeout(milliseconds: 10_000)
                try proxied.receiveExactlyThenEnd(data)
            }
            #expect(failures == [])
            await proxy.stop()
            try await group.shutdownGracefully()
        }

        @Test func proxiesSharingAGroupIsolateOneReplica() async throws {
            try await ProxyFixture.run { fixture in
                let isolated = fixture.proxy
                let other = try await startLoopbackProxy(
                    upstream: fixture.echo.address,
                    seed: 2,
                    on: fixture.group
                )
                let isolatedClient = try Self.connectedClient(port: isolated.port)
                defer { isolatedClient.close() }
                try await isolated.setFaults(.clogged)
                try isolatedClient.sendAll([9])
                isolatedClient.setReceiveTimeout(milliseconds: 200)
                #expect(throws: SocketFailure.self, "the clogged proxy forwards nothing") {
                    _ = try isolatedClient.receive(upTo: 1)
                }
                let otherClient = try Self.connectedClient(port: other.port)
                otherClient.close()
                try await isolated.setFaults(.none)
                isolatedClient.setReceiveTimeout(milliseconds: 5000)
                #expect(
                    try isolatedClient.receive(exactly: 1) == [9],
                    "held byte arrives after heal"
                )
                await other.stop()
            }
        }
    }
}
