// Byte-exactness and resource tests over real sockets: bulk transfer over many concurrent
// connections with and without delay, faults changed while traffic flows, and no fd leak after
// many connections. All socket suites nest under `SocketTests`, which runs them one at a time
// (the fd count is process-wide).

import FaultProxy
import Foundation
import NIOCore
import Testing

@Suite(.serialized, .timeLimit(.minutes(3)))
struct SocketTests {}

extension SocketTests {
    @Suite struct Transfer {
        /// 50 connections × 1.28 MiB = 64 MiB each way.
        static let connections = 50
        static let bytesPerConnection = 64 * 1024 * 1024 / 50 + 1

        @Test func bulkTransferWithoutFaultsIsByteExact() async throws {
            try await ProxyFixture.run { fixture in
                let failures = try await echoTransfer(
                    port: fixture.proxy.port,
                    connections: Self.connections,
                    bytesPerConnection: Self.bytesPerConnection,
                    seed: 11
                )
                #expect(failures == [])
                let total = Self.connections * Self.bytesPerConnection
                #expect(total >= 64 * 1024 * 1024)
                let counters = fixture.proxy.counters
                #expect(counters.bytesToUpstream == total)
                #expect(counters.bytesToClient == total)
                #expect(counters.connectionsAccepted == Self.connections)
                #expect(counters.chunksCorrupted == 0)
                #expect(await eventually { fixture.proxy.counters.connectionsOpen == 0 })
            }
        }

        @Test func bulkTransferWithDelayIsByteExact() async throws {
            let delayed = ProxyFaults.both(
                DirectionFaults(delay: .milliseconds(3), jitter: .milliseconds(2))
            )
            try await ProxyFixture.run(faults: delayed) { fixture in
                let failures = try await echoTransfer(
                    port: fixture.proxy.port,
                    connections: Self.connections,
                    bytesPerConnection: Self.bytesPerConnection,
                    seed: 12
                )
                #expect(failures == [])
                let counters = fixture.proxy.counters
                #expect(counters.bytesToUpstream == Self.connections * Self.bytesPerConnection)
                #expect(counters.chunksDelayed > 0)
            }
        }

        @Test func faultsChangedWhileTrafficFlowsKeepConnections() async throws {
            try await ProxyFixture.run { fixture in
                let proxy = fixture.proxy
                let transfer = Task {
                    try await echoTransfer(
                        port: proxy.port,
                        connections: 8,
                        bytesPerConnection: 8 * 1024 * 1024,
                        seed: 13
                    )
                }
                #expect(await eventually { proxy.counters.bytesToClient > 1024 * 1024 })

                // Delay: chunks read from now on wait.
                try await proxy.setFaults(
                    .both(DirectionFaults(delay: .milliseconds(5), jitter: .milliseconds(5)))
                )
                #expect(await eventually { proxy.counters.chunksDelayed > 0 })

                // Clog both ways: once applied, not one more byte is written either way.
                try await proxy.setFaults(.clogged)
                let frozen = proxy.counters
                try await Task.sleep(for: .milliseconds(200))
                #expect(proxy.counters.bytesToUpstream == frozen.bytesToUpstream)
                #expect(proxy.counters.bytesToClient == frozen.bytesToClient)
                #expect(await eventually { proxy.counters.chunksHeld > 0 })

                // Lift the clog into a bandwidth limit: the held bytes flow again, throttled.
                try await proxy.setFaults(
                    .both(DirectionFaults(bandwidthBytesPerSecond: 2_000_000))
                )
                #expect(await eventually { proxy.counters.bytesToClient > frozen.bytesToClient })
                #expect(await eventually { proxy.counters.chunksThrottled > 0 })

                // Heal: the rest goes through unchanged on the same connections.
                try await proxy.setFaults(.none)

                #expect(try await transfer.value == [])
                let counters = proxy.counters
                #expect(counters.connectionsAccepted == 8)
                #expect(counters.connectionsRejected == 0)
                #expect(counters.bytesToClient == 8 * 8 * 1024 * 1024)
            }
        }

        @Test func noFileDescriptorLeakAfterTenThousandConnections() async throws {
            try await ProxyFixture.run { fixture in
                let port = fixture.proxy.port
                // Warm up so that lazily created resources (event loop fds) exist at the baseline.
                _ = try await echoTransfer(
                    port: port,
                    connections: 4,
                    bytesPerConnection: 10,
                    seed: 1
                )
                #expect(await eventually { fixture.proxy.counters.connectionsOpen == 0 })
                // Sockets of this process on the proxy's and the echo server's ports: other
                // tests of a root `swift test` open descriptors in this process meanwhile.
                let ports: Set<Int> = [port, fixture.echo.address.port ?? -1]
                let baseline = openSocketCount(touching: ports)
                #expect(baseline >= 2, "the proxy's and the echo server's listeners are seen")
                let threads = 20
                let perThread = 500
                let failures = await onThreads(threads) { _ in
                    for _ in 0..<perThread {
                        let socket = try BlockingSocket.connect(port: port)
                        defer { socket.close() }
                        try socket.sendAll([42])
                        let reply = try socket.receive(exactly: 1)
                        guard reply == [42] else {
                            throw TransferMismatch(connection: 0, offset: 0)
                        }
                    }
                }
                #expect(failures == [])
                #expect(fixture.proxy.counters.connectionsAccepted == 4 + threads * perThread)
                #expect(
                    await eventually(seconds: 10) { fixture.proxy.counters.connectionsOpen == 0 }
                )
                let settled = await eventually(seconds: 10) {
                    openSocketCount(touching: ports) <= baseline
                }
                #expect(
                    settled,
                    "sockets: baseline \(baseline), now \(openSocketCount(touching: ports))"
                )
            }
        }
    }
}
