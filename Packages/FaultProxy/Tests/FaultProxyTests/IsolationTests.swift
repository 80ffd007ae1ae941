// Cutting connections by source over real sockets. The clients bind distinct loopback addresses
// (127.0.0.2, 127.0.0.3 …) and the test classifier maps each address to a source, so which client
// is which source is known before it connects: isolating a source closes its connections and
// every new one, the other sources flow byte-exact, and healing lets the source in again; a
// source's own faults (a clogged direction) hold only its bytes; a reset of one source resets
// only its connections.

import FaultProxy
import Foundation
import NIOCore
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension SocketTests {
    @Suite struct Isolation {
        /// Source 2 connects from 127.0.0.2, source 3 from 127.0.0.3; 127.0.0.1 is no source.
        static let classifier: ConnectionClassifier = { peer, _ in
            switch peer.ipAddress {
            case "127.0.0.2": 2
            case "127.0.0.3": 3
            default: nil
            }
        }

        /// Connects from `address` through the proxy and checks one echo round trip.
        static func connectedClient(port: Int, from address: String) throws -> BlockingSocket {
            let socket = try BlockingSocket.connect(port: port, from: address)
            try socket.sendAll([1, 2, 3])
            #expect(try socket.receive(exactly: 3) == [1, 2, 3])
            return socket
        }

        /// Sends 200 KB on `socket` and checks the echo is byte-exact.
        static func expectEchoFlows(_ socket: BlockingSocket, seed: UInt64) async {
            let data = randomBytes(count: 200_000, seed: seed)
            let failures = await onThreads(2) { index in
                if index == 0 {
                    try socket.sendAll(data)
                } else {
                    socket.setReceiveTimeout(milliseconds: 10_000)
                    guard try socket.receive(exactly: data.count) == data else {
                        throw TransferMismatch(connection: 0, offset: 0)
                    }
                }
            }
            #expect(failures == [])
        }

        @Test func isolatingASourceCutsItsConnectionsAndNoOthers() async throws {
            try await ProxyFixture.run(classifier: Self.classifier) { fixture in
                let proxy = fixture.proxy
                let isolated = try Self.connectedClient(port: proxy.port, from: "127.0.0.2")
                defer { isolated.close() }
                let other = try Self.connectedClient(port: proxy.port, from: "127.0.0.3")
                defer { other.close() }
                let unknown = try Self.connectedClient(port: proxy.port, from: "127.0.0.1")
                defer { unknown.close() }
                #expect(proxy.openConnectionsBySource == [2: 1, 3: 1])

                try await proxy.setFaults(ProxyFaults(isolatedSources: [2]))
                #expect(Lifecycle.nextReadOutcome(isolated) == 0, "closed when isolated")
                let rejected = try BlockingSocket.connect(port: proxy.port, from: "127.0.0.2")
                #expect(Lifecycle.nextReadOutcome(rejected) == 0, "accepted, then closed")
                rejected.close()
                await Self.expectEchoFlows(other, seed: 31)
                await Self.expectEchoFlows(unknown, seed: 32)
                let newOther = try Self.connectedClient(port: proxy.port, from: "127.0.0.3")
                await Self.expectEchoFlows(newOther, seed: 33)
                newOther.close()
                #expect(proxy.counters.connectionsIsolated == 2)
                #expect(await eventually { proxy.openConnectionsBySource == [3: 1] })

                try await proxy.setFaults(.none)
                let healed = try Self.connectedClient(port: proxy.port, from: "127.0.0.2")
                await Self.expectEchoFlows(healed, seed: 34)
                healed.close()
                await Self.expectEchoFlows(other, seed: 35)
            }
        }

        @Test func aSourceFaultHoldsOnlyThatSourcesDirection() async throws {
            try await ProxyFixture.run(classifier: Self.classifier) { fixture in
                let proxy = fixture.proxy
                let held = try Self.connectedClient(port: proxy.port, from: "127.0.0.2")
                defer { held.close() }
                let other = try Self.connectedClient(port: proxy.port, from: "127.0.0.3")
                defer { other.close() }
                let clogged = SourceFaults(toUpstream: DirectionFaults(clogged: true))
                try await proxy.setFaults(ProxyFaults(sourceFaults: [2: clogged]))
                #expect(proxy.faults.directions(for: 2) == clogged)
                #expect(proxy.faults.directions(for: 3) == SourceFaults())
                try held.sendAll([9, 8, 7])
                #expect(Lifecycle.nextReadOutcome(held) == EAGAIN, "held: no echo")
                await Self.expectEchoFlows(other, seed: 41)
                #expect(proxy.counters.chunksHeld >= 1)
                // A new connection of the source takes its faults too.
                let later = try BlockingSocket.connect(port: proxy.port, from: "127.0.0.2")
                defer { later.close() }
                try later.sendAll([6])
                #expect(Lifecycle.nextReadOutcome(later) == EAGAIN, "held from the start")
                try await proxy.setFaults(.none)
                held.setReceiveTimeout(milliseconds: 5_000)
                #expect(try held.receive(exactly: 3) == [9, 8, 7], "delivered once lifted")
                later.setReceiveTimeout(milliseconds: 5_000)
                #expect(try later.receive(exactly: 1) == [6])
            }
        }

        @Test func resettingOneSourceLeavesTheOthers() async throws {
            try await ProxyFixture.run(classifier: Self.classifier) { fixture in
                let proxy = fixture.proxy
                let reset = try Self.connectedClient(port: proxy.port, from: "127.0.0.2")
                defer { reset.close() }
                let other = try Self.connectedClient(port: proxy.port, from: "127.0.0.3")
                defer { other.close() }
                await proxy.resetConnections(source: 2)
                #expect(Lifecycle.nextReadOutcome(reset) == ECONNRESET)
                await Self.expectEchoFlows(other, seed: 42)
                #expect(proxy.counters.connectionsReset == 1)
            }
        }

        @Test func nothingFromAnIsolatedSourceReachesTheUpstream() async throws {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let upstream = try BlockingSocket.listening()
            defer { upstream.close() }
            let proxy = try await startLoopbackProxy(
                upstream: try loopbackAddress(port: upstream.localPort),
                faults: ProxyFaults(isolatedSources: [2]),
                classifier: Self.classifier,
                on: group
            )
            // Sent at once, before the source is known: held, then dropped with the connection.
            let client = try BlockingSocket.connect(port: proxy.port, from: "127.0.0.2")
            try client.sendAll([7, 7, 7])
            // Closed with those bytes unread, so the kernel may answer with RST instead of FIN.
            #expect([0, ECONNRESET].contains(Lifecycle.nextReadOutcome(client)))
            client.close()
            #expect(await eventually { proxy.counters.connectionsRejected == 1 })
            #expect(proxy.counters.connectionsIsolated == 1)
            #expect(proxy.counters.bytesToUpstream == 0)
            // The upstream was never connected to: the next connection it accepts is a new one.
            let allowed = try BlockingSocket.connect(port: proxy.port, from: "127.0.0.3")
            defer { allowed.close() }
            try allowed.sendAll([5])
            let failures = await onThreads(1) { _ in
                guard let accepted = upstream.accept() else {
                    throw SocketFailure(operation: "accept", code: errno)
                }
                defer { accepted.close() }
                accepted.setReceiveTimeout(milliseconds: 5000)
                guard try accepted.receive(exactly: 1) == [5] else {
                    throw TransferMismatch(connection: 0, offset: 0)
                }
            }
            #expect(failures == [])
            await proxy.stop()
            try await group.shutdownGracefully()
        }

        @Test func bytesSentWhileTheSourceIsClassifiedAreForwarded() async throws {
            let slow: ConnectionClassifier = { peer, local in
                usleep(200_000)
                return Self.classifier(peer, local)
            }
            try await ProxyFixture.run(classifier: slow) { fixture in
                let socket = try BlockingSocket.connect(
                    port: fixture.proxy.port,
                    from: "127.0.0.3"
                )
                defer { socket.close() }
                let data = randomBytes(count: 50_000, seed: 36)
                try socket.sendAll(data)
                socket.shutdownWrite()
                let failures = await onThreads(1) { _ in
                    socket.setReceiveTimeout(milliseconds: 10_000)
                    try socket.receiveExactlyThenEnd(data)
                }
                #expect(failures == [])
            }
        }

        @Test func stopWaitsForConnectionsBeingClassified() async throws {
            let slow: ConnectionClassifier = { peer, local in
                usleep(300_000)
                return Self.classifier(peer, local)
            }
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let echo = try await EchoServer.start(on: group)
            let proxy = try await startLoopbackProxy(
                upstream: echo.address,
                classifier: slow,
                on: group
            )
            let socket = try BlockingSocket.connect(port: proxy.port, from: "127.0.0.3")
            defer { socket.close() }
            try await Task.sleep(for: .milliseconds(50))
            #expect(proxy.counters.connectionsAccepted == 0, "still being classified")
            await proxy.stop()
            // stop() returned only after the classification ended and the connection closed.
            #expect(proxy.counters.connectionsAccepted == 1)
            #expect(proxy.counters.connectionsRejected == 1)
            #expect(proxy.counters.connectionsOpen == 0)
            #expect(Lifecycle.nextReadOutcome(socket) == 0)
            await echo.stop()
            try await group.shutdownGracefully()
        }

        @Test func withoutAClassifierIsolatedSourcesCutNothing() async throws {
            try await ProxyFixture.run(faults: ProxyFaults(isolatedSources: [2, 3])) { fixture in
                let socket = try Self.connectedClient(port: fixture.proxy.port, from: "127.0.0.2")
                defer { socket.close() }
                await Self.expectEchoFlows(socket, seed: 37)
                #expect(fixture.proxy.openConnectionsBySource == [:])
                #expect(fixture.proxy.counters.connectionsIsolated == 0)
            }
        }
    }
}
