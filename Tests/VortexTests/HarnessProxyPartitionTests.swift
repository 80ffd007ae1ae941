// Partitions through the proxy backend over real sockets: three stand-in replicas (clients bound
// to each replica's own address, which the proxies tell replicas apart by) open a connection to
// every other replica's proxy, and for every shape the test checks each direction of each connection. From the moment
// `apply` returns, zero bytes cross a cut link — on connections opened before the partition and
// on ones opened during it — while every link that is not cut carries bytes both ways. After the
// heal, what a one-way cut held back arrives, and new connections carry both ways again. A reset
// of one replica resets every connection to it and every one it opened, and no other; a clog
// holds every connection's bytes and delivers them when it lifts.

import FaultProxy
import Foundation
import Synchronization
import Testing
import Workload

@testable import VortexHarness

@Suite(.ownThread, .serialized, .timeLimit(.minutes(5)))
struct HarnessProxyPartitionTests {
    static let replicaCount = 3

    /// A proxy in front of each stand-in replica's server, on the host's loopback.
    private static func proxies(for cluster: LinkCluster) -> ProxyNetwork {
        let endpoints = (0..<Self.replicaCount).map { replica in
            ProxyEndpoint(
                replica: replica,
                portName: "peer",
                listenHost: "127.0.0.1",
                listenPort: 0,
                upstreamHost: "127.0.0.1",
                upstreamPort: cluster.servers[replica].localEndpoint.port
            )
        }
        return ProxyNetwork(endpoints: endpoints, corruptiblePorts: [], seed: 3)
    }

    /// Runs `body` against started proxies in front of a fresh cluster, and cleans up.
    private static func withProxies(
        _ body: (LinkCluster, ProxyNetwork) async throws -> Void
    ) async throws {
        let cluster = try LinkCluster(replicaCount: replicaCount)
        let network = proxies(for: cluster)
        do {
            try await network.start()
            try await body(cluster, network)
        } catch {
            await network.stop()
            cluster.stop()
            throw error
        }
        await network.stop()
        cluster.stop()
    }

    @Test func everyShapeCutsExactlyItsLinksFromTheMomentApplyReturns() async throws {
        try await Self.withProxies { cluster, network in
            for (index, shape) in PartitionShape.allCases.enumerated() {
                var random = VortexRandom(seed: UInt64(index))
                let partition = PartitionShapes.draw(
                    shape,
                    replicaCount: Self.replicaCount,
                    random: &random
                )
                try await Self.check(partition, round: index, cluster: cluster, network: network)
            }
        }
    }

    @Test func aResetHitsEveryConnectionOfItsReplicaAndNoOther() async throws {
        try await Self.withProxies { cluster, network in
            var connections: [LinkConnection] = []
            for link in ReplicaLink.all(among: Array(0..<Self.replicaCount)) {
                let connection = try await cluster.connect(
                    link,
                    port: try Self.port(network, link.to),
                    acceptMilliseconds: 10_000
                )
                connection.sendFromOpener("hello")
                #expect(await eventually { connection.receivedByServer().contains("hello") })
                connections.append(connection)
            }
            try await network.resetConnections(replica: 0)
            for connection in connections {
                let link = connection.link
                let server = try #require(connection.server)
                let involved = link.from == 0 || link.to == 0
                if involved {
                    // The server's end was reset: ECONNRESET (or EOF once the RST was read).
                    let outcome = try? await blocking { try server.receive(upTo: 16) }
                    #expect(
                        outcome == nil || outcome == [],
                        "\(link) reset: \(String(describing: outcome))"
                    )
                } else {
                    connection.sendFromOpener("still")
                    #expect(
                        await eventually { connection.receivedByServer().contains("still") },
                        "\(link) untouched"
                    )
                }
            }
            let counters = network.counters().map(\.counters.connectionsReset).reduce(0, +)
            #expect(counters == 4, "0→1, 0→2, 1→0, 2→0")
        }
    }

    @Test func aClogHoldsEveryConnectionAndDeliversWhenItLifts() async throws {
        try await Self.withProxies { cluster, network in
            let connection = try await cluster.connect(
                ReplicaLink(from: 1, to: 2),
                port: try Self.port(network, 2),
                acceptMilliseconds: 10_000
            )
            connection.sendFromOpener("hello")
            #expect(await eventually { connection.receivedByServer().contains("hello") })
            try await network.apply(NetworkFaults(clogged: true))
            connection.sendFromOpener("held")
            connection.sendFromServer("held back")
            try await Task.sleep(for: .milliseconds(300))
            #expect(!connection.receivedByServer().contains("held"))
            #expect(!connection.receivedByOpener().contains("held back"))
            try await network.apply(.healed)
            #expect(await eventually { connection.receivedByServer().contains("held") })
            #expect(await eventually { connection.receivedByOpener().contains("held back") })
        }
    }

    /// The proxy port in front of `replica`.
    private static func port(_ network: ProxyNetwork, _ replica: Int) throws -> Int {
        try #require(network.proxy(replica: replica, portName: "peer")).port
    }

    private static func check(
        _ partition: Partition,
        round: Int,
        cluster: LinkCluster,
        network: ProxyNetwork
    ) async throws {
        let links = ReplicaLink.all(among: Array(0..<replicaCount))
        // One connection per ordered pair before the partition, each seen by its server.
        var before: [LinkConnection] = []
        for link in links {
            let connection = try await cluster.connect(
                link,
                port: try port(network, link.to),
                acceptMilliseconds: 10_000
            )
            #expect(connection.server != nil, "\(link) before the partition")
            connection.sendFromOpener("hello \(round) \(link)")
            before.append(connection)
        }
        for connection in before {
            #expect(
                await eventually { connection.receivedByServer().contains("hello \(round)") },
                "\(connection.link) carries before the partition"
            )
        }

        try await network.apply(NetworkFaults(partition: partition))
        // From here on, nothing may cross a cut link.
        for connection in before {
            connection.sendFromOpener("up \(round)")
            connection.sendFromServer("down \(round)")
        }
        var during: [LinkConnection] = []
        for link in links {
            // A connection whose both links are cut is closed at accept: its server never
            // sees it.
            let bothCut =
                !partition.carries(from: link.from, to: link.to)
                && !partition.carries(from: link.to, to: link.from)
            let connection = try await cluster.connect(
                link,
                port: try port(network, link.to),
                acceptMilliseconds: bothCut ? 500 : 10_000
            )
            #expect((connection.server == nil) == bothCut, "\(link) opened during \(partition)")
            connection.sendFromOpener("new up \(round)")
            connection.sendFromServer("new down \(round)")
            during.append(connection)
        }
        try await expectOnlyUncutLinksCarry(before + during, partition: partition, round: round)

        try await network.apply(.healed)
        // A one-way cut held its direction back; the heal delivers it.
        for connection in before + during {
            let link = connection.link
            let closed =
                !partition.carries(from: link.from, to: link.to)
                && !partition.carries(from: link.to, to: link.from)
            guard !closed else { continue }
            #expect(
                await eventually { connection.receivedByServer().contains("up \(round)") },
                "\(link): held bytes delivered after the heal"
            )
            #expect(
                await eventually { connection.receivedByOpener().contains("down \(round)") },
                "\(link): held bytes delivered back after the heal"
            )
        }
        for link in links {
            let connection = try await cluster.connect(
                link,
                port: try port(network, link.to),
                acceptMilliseconds: 10_000
            )
            connection.sendFromOpener("healed \(round)")
            connection.sendFromServer("healed back \(round)")
            #expect(
                await eventually { connection.receivedByServer().contains("healed \(round)") },
                "\(link) after the heal"
            )
            #expect(
                await eventually { connection.receivedByOpener().contains("healed back \(round)") },
                "\(link) back after the heal"
            )
        }
    }

    /// Every uncut direction delivers; then, a while later, no cut direction has delivered a
    /// byte of what was sent after `apply` returned.
    private static func expectOnlyUncutLinksCarry(
        _ connections: [LinkConnection],
        partition: Partition,
        round: Int
    ) async throws {
        for connection in connections {
            let link = connection.link
            if partition.carries(from: link.from, to: link.to) {
                #expect(
                    await eventually { connection.receivedByServer().contains("up \(round)") },
                    "\(link) is not cut: the server gets the opener's bytes"
                )
            }
            if partition.carries(from: link.to, to: link.from) {
                #expect(
                    await eventually { connection.receivedByOpener().contains("down \(round)") },
                    "\(link.reversed) is not cut: the opener gets the server's bytes"
                )
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        for connection in connections {
            let link = connection.link
            if !partition.carries(from: link.from, to: link.to) {
                #expect(
                    !connection.receivedByServer().contains("up \(round)"),
                    "\(link) is cut: \(partition.sortedCut)"
                )
            }
            if !partition.carries(from: link.to, to: link.from) {
                #expect(
                    !connection.receivedByOpener().contains("down \(round)"),
                    "\(link.reversed) is cut: \(partition.sortedCut)"
                )
            }
        }
    }
}
