// Replica isolation through the proxy backend cuts both directions, shown with real processes:
// two bash "replicas" (0 and 2) connect to replica 1's proxy and echo what they receive, and the
// test stands in for replica 1 behind that proxy. Isolating replica 0 closes the connection
// replica 0 opened and every reconnection it attempts, while replica 2's connection keeps
// flowing byte-exact; healing lets replica 0 in again. Replica 1's own proxy is never down here,
// so this is exactly the direction the proxy could not cut before it told senders apart.

import FaultProxy
import Foundation
import ProcessControl
import Synchronization
import Testing

@testable import VortexHarness

#if canImport(Glibc)
import Glibc
#endif

@Suite(.ownThread, .timeLimit(.minutes(2))) struct HarnessProxyIsolationTests {
    /// A replica stand-in ($1: its index, $2: the proxy port). After a line on stdin (the test
    /// has recorded its pid by then) it connects, sends `r<index>\n`, echoes everything back
    /// until the connection ends, and reconnects 50 ms later, a bounded number of times.
    static let echoClient = """
        trap '' PIPE
        read -r _
        for attempt in $(seq 1 2400); do
          if exec 3<>/dev/tcp/127.0.0.1/$2; then
            printf 'r%s\\n' "$1" >&3
            cat <&3 >&3
            exec 3>&-
          fi
          sleep 0.05
        done
        """

    @Test func isolatingAReplicaCutsTheConnectionsItOpenedToOthers() async throws {
        let upstream = try LoopbackSocket.listening()
        let accepted = AcceptedConnections(listener: upstream)
        let endpoints = (0..<3).map { replica in
            ProxyEndpoint(
                replica: replica,
                portName: "peer",
                host: "127.0.0.1",
                listenPort: 0,
                upstreamPort: upstream.localEndpoint.port
            )
        }
        let roots = Mutex<[Int: Int32]>([:])
        let network = ProxyNetwork(
            endpoints: endpoints,
            corruptiblePorts: [],
            seed: 7,
            replicaProcessIDs: { roots.withLock { $0 } }
        )
        try await network.start()
        var clients: [ChildProcess] = []
        do {
            let proxy = try #require(network.proxy(replica: 1, portName: "peer"))
            for replica in [0, 2] {
                let child = try spawnBash(
                    Self.echoClient,
                    arguments: ["\(replica)", "\(proxy.port)"]
                )
                clients.append(child)
                roots.withLock { $0[replica] = child.pid }
                let input = try #require(child.standardInput)
                try await input.write(Array("go\n".utf8))
            }
            try await Self.checkIsolation(network: network, proxy: proxy, accepted: accepted)
        } catch {
            await Self.cleanUp(clients, accepted)
            await network.stop()
            throw error
        }
        await Self.cleanUp(clients, accepted)
        await network.stop()
    }

    private static func checkIsolation(
        network: ProxyNetwork,
        proxy: FaultProxy,
        accepted: AcceptedConnections
    ) async throws {
        #expect(await eventually { accepted.count(named: "r0") == 1 })
        #expect(await eventually { accepted.count(named: "r2") == 1 })
        let fromIsolated = try #require(accepted.latest(named: "r0"))
        let fromOther = try #require(accepted.latest(named: "r2"))
        try await expectEcho(fromIsolated, seed: 1)
        try await expectEcho(fromOther, seed: 2)
        #expect(proxy.openConnectionsBySource == [0: 1, 2: 1])

        try await network.apply(NetworkFaults(isolatedReplica: 0))
        #expect(proxy.faults.down == nil, "replica 1's proxy itself stays up")
        let afterCut = try await blocking { try fromIsolated.receive(upTo: 1) }
        #expect(afterCut == [], "cut: EOF")
        try await expectEcho(fromOther, seed: 3)
        // Replica 0 keeps reconnecting; each attempt is accepted by the proxy and closed there.
        #expect(await eventually { proxy.counters.connectionsIsolated >= 3 })
        #expect(accepted.count(named: "r0") == 1, "no reconnection reached replica 1")
        try await expectEcho(fromOther, seed: 4)

        try await network.apply(.healed)
        #expect(await eventually { accepted.count(named: "r0") == 2 })
        let healed = try #require(accepted.latest(named: "r0"))
        try await expectEcho(healed, seed: 5)
        try await expectEcho(fromOther, seed: 6)
        #expect(accepted.count(named: "r2") == 1, "replica 2's connection was never cut")
    }

    private static func cleanUp(_ clients: [ChildProcess], _ accepted: AcceptedConnections) async {
        for client in clients {
            try? client.kill()
        }
        await accepted.stop()
    }

    /// Sends 64 KiB of seeded bytes on `socket` and expects them echoed back unchanged.
    private static func expectEcho(_ socket: LoopbackSocket, seed: UInt8) async throws {
        let data = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
        let echoed = try await blocking {
            socket.setReceiveTimeout(milliseconds: 10_000)
            try socket.sendAll(data)
            return try socket.receive(exactly: data.count)
        }
        #expect(echoed == data)
    }
}

/// Accepts connections on a thread of its own and files each under the name its client sends
/// first (`r0\n` …).
final class AcceptedConnections: Sendable {
    /// Most connections accepted.
    static let acceptCountMax = 1_000
    private let listener: LoopbackSocket
    private let named = Mutex<[(name: String, socket: LoopbackSocket)]>([])
    private let finished = DispatchSemaphore(value: 0)

    init(listener: LoopbackSocket) {
        self.listener = listener
        let thread = Thread { [self] in
            for _ in 0..<Self.acceptCountMax {
                guard let socket = listener.accept() else { break }
                socket.setReceiveTimeout(milliseconds: 5_000)
                guard let hello = try? socket.receive(exactly: 3), hello.last == 10 else {
                    socket.close()
                    continue
                }
                let name = String(decoding: hello.dropLast(), as: UTF8.self)
                named.withLock { $0.append((name, socket)) }
            }
            finished.signal()
        }
        thread.start()
    }

    func count(named name: String) -> Int {
        named.withLock { $0.filter { $0.name == name }.count }
    }

    func latest(named name: String) -> LoopbackSocket? {
        named.withLock { $0.last { $0.name == name }?.socket }
    }

    /// Stops accepting (waits for the accepting thread, so the listener's descriptor is not
    /// reused under it) and closes every accepted connection.
    func stop() async {
        listener.shutDownListener()
        _ = try? await blocking { [finished] in finished.wait(timeout: .now() + 30) }
        let sockets = named.withLock { state in
            defer { state = [] }
            return state.map(\.socket)
        }
        for socket in sockets {
            socket.close()
        }
        listener.close()
    }
}

/// Runs blocking socket work on a thread of its own, off the cooperative pool.
func blocking<Value: Sendable>(
    _ body: @escaping @Sendable () throws -> Value
) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.start()
    }
}

/// Polls `condition` every 20 ms for up to `seconds`.
func eventually(seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}
