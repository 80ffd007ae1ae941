// NetemNetwork's isolation in a real kernel with sch_netem, run by scripts/netem-test under
// user-mode-linux with VORTEX_REQUIRE_NETEM=1 and skipped without it. Bash
// processes stand in for replicas 0 and 2 and open /dev/tcp connections to a listener on replica
// 1's real port, as replicas of a netem run dial each other's real ports. Isolating replica 0
// must stop what it sends on the connection it opened before, and on one it opens during the
// isolation once the refresh has seen it, while replica 2's connection keeps delivering
// byte-exact; after healing, a new connection from replica 0 delivers again. The test shapes `lo`
// of the namespace it runs in and listens on port 4001, so it wants a machine of its own (the
// guest) and no other suite shaping `lo` at the same time: the Netem package's KernelNetemTests,
// which a plain `swift test` on a kernel with netem runs in parallel, would replace its qdiscs.
// Hence VORTEX_REQUIRE_NETEM=1 alone enables it, and scripts/netem-test runs the suites one
// after the other.

import Foundation
import Netem
import ProcessControl
import Synchronization
import Testing

@testable import VortexHarness

#if canImport(Glibc)
import Glibc
#endif

/// Set by scripts/netem-test: the suite runs (and fails on a kernel without netem).
private let netemRequired = ProcessInfo.processInfo.environment["VORTEX_REQUIRE_NETEM"] == "1"

@Suite(
    .ownThread,
    .serialized,
    .enabled(
        if: netemRequired,
        "needs sch_netem and `lo` to itself: scripts/netem-test runs it under user-mode-linux"
    )
)
struct NetemIsolationKernelTests {
    /// A stand-in replica: a bash process that, for every FIFO path read on its standard input,
    /// opens a connection to 127.0.0.1:$1 in a child subshell and forwards the FIFO's lines to it,
    /// so that the replica's tree holds connections opened at any moment.
    final class BashReplica: Sendable {
        let process: ChildProcess
        let port: Int
        private let directory: String
        private let count = Mutex(0)

        init(port: Int) throws {
            let script = """
                while IFS= read -r fifo; do
                    ( exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
                      while IFS= read -r line; do printf '%s\\n' "$line" >&3; done <"$fifo" ) &
                done
                """
            process = try spawnBash(script, arguments: ["\(port)"])
            self.port = port
            directory = NSTemporaryDirectory() + "vortex-netem-isolation-\(process.pid)"
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true
            )
        }

        /// Opens a new connection; its lines go through the returned descriptor.
        func connect() async throws -> Int32 {
            let index = count.withLock { count in
                defer { count += 1 }
                return count
            }
            let path = "\(directory)/connection-\(index)"
            #expect(mkfifo(path, 0o600) == 0)
            // Read-write, so the open does not wait for the reader.
            let fd = open(path, O_RDWR | O_CLOEXEC)
            guard fd >= 0 else { throw LoopbackSocketFailure(operation: "open fifo", code: errno) }
            let input = try #require(process.standardInput)
            try await input.write(Array("\(path)\n".utf8))
            return fd
        }

        func stop() {
            try? process.kill()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Writes `text` to a connection's FIFO.
    static func send(_ text: String, to fifo: Int32) {
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fifo, $0.baseAddress, $0.count) }
        #expect(written == bytes.count)
    }

    /// Accepts the next connection, failing after 30 s.
    static func accept(_ listener: LoopbackSocket) throws -> LoopbackSocket {
        let connection = try #require(listener.accept(), "no connection within 30 s")
        connection.setReceiveTimeout(milliseconds: 30_000)
        return connection
    }

    /// Whether nothing arrives on `connection` within `milliseconds`.
    static func staysSilent(_ connection: LoopbackSocket, milliseconds: Int) -> Bool {
        connection.setReceiveTimeout(milliseconds: milliseconds)
        defer { connection.setReceiveTimeout(milliseconds: 30_000) }
        let received = try? connection.receive(upTo: 4096)
        return received == nil
    }

    /// The first line received on `connection` (at most 4 KiB), with its newline.
    static func line(from connection: LoopbackSocket) throws -> String {
        var bytes: [UInt8] = []
        while bytes.last != 0x0A && bytes.count < 4096 {
            let chunk = try connection.receive(upTo: 1)
            guard !chunk.isEmpty else { break }
            bytes += chunk
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Waits (at most 30 s) until `condition` holds.
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<1_500 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    @Test(.timeLimit(.minutes(3)))
    func isolationCutsTheConnectionsTheReplicaOpened() async throws {
        let layout = ClusterLayout(replicaCount: 3, portNames: ["peer"], proxiedPortNames: [])
        let port = layout.realPort("peer", replica: 1)
        let listener = try LoopbackSocket.listening(port: port)
        defer { listener.close() }
        listener.setReceiveTimeout(milliseconds: 30_000)
        let replica0 = try BashReplica(port: port)
        defer { replica0.stop() }
        let replica2 = try BashReplica(port: port)
        defer { replica2.stop() }
        let roots: [Int: Int32] = [0: replica0.process.pid, 2: replica2.process.pid]
        let network = try NetemNetwork(layout: layout, replicaProcessIDs: { roots })

        let fifoA = try await replica0.connect()
        defer { close(fifoA) }
        let fromA = try Self.accept(listener)
        defer { fromA.close() }
        let fifoC = try await replica2.connect()
        defer { close(fifoC) }
        let fromC = try Self.accept(listener)
        defer { fromC.close() }
        Self.send("a before\n", to: fifoA)
        Self.send("c before\n", to: fifoC)
        #expect(try fromA.receive(exactly: 9) == Array("a before\n".utf8))
        #expect(try fromC.receive(exactly: 9) == Array("c before\n".utf8))

        // Isolate replica 0 (with a cluster-wide delay, so replicas 1 and 2 have targets too).
        let faults = NetworkFaults(delay: DelayFault(delayMs: 2, jitterMs: 0), isolatedReplica: 0)
        try await network.apply(faults)
        let portA = UInt16(fromA.peerEndpoint.port)
        #expect(network.isolatedOutgoingPorts == [portA])
        let isolation = try #require(network.targets[1])
        #expect(isolation.contains(.sourcePort(portA)))
        #expect(isolation.contains(.destinationPort(portA)))
        #expect(Set(network.targets.keys) == [1, 3, 4])

        Self.send("a isolated\n", to: fifoA)
        var expected: [UInt8] = []
        for line in 0..<500 {
            let text = "c \(line) while replica 0 is isolated\n"
            Self.send(text, to: fifoC)
            expected += Array(text.utf8)
        }
        #expect(try fromC.receive(exactly: expected.count) == expected)
        #expect(Self.staysSilent(fromA, milliseconds: 2_000), "replica 0's connection delivered")

        // A connection replica 0 opens during the isolation: the refresh finds it and moves the
        // isolation to target 2 with both ports. Its handshake passes unless the refresh saw the
        // socket first (in SYN_SENT, while the delay holds the SYN): then it is not accepted yet.
        let fifoB = try await replica0.connect()
        defer { close(fifoB) }
        let seen = try await Self.eventually { network.isolatedOutgoingPorts.count == 2 }
        #expect(seen, "the refresh did not see the new connection")
        let portB = try #require(network.isolatedOutgoingPorts.subtracting([portA]).first)
        #expect(Set(network.targets.keys) == [2, 3, 4])
        let moved = network.targets[2] ?? []
        for port in [portA, portB] {
            #expect(moved.contains(.sourcePort(port)) && moved.contains(.destinationPort(port)))
        }
        Self.send("b isolated\n", to: fifoB)
        Self.send("c still\n", to: fifoC)
        #expect(try fromC.receive(exactly: 8) == Array("c still\n".utf8))
        listener.setReceiveTimeout(milliseconds: 2_000)
        let fromB = listener.accept()
        defer { fromB?.close() }
        listener.setReceiveTimeout(milliseconds: 30_000)
        if let fromB {
            #expect(fromB.peerEndpoint.port == Int(portB))
            #expect(Self.staysSilent(fromB, milliseconds: 2_000), "the new connection delivered")
        }
        #expect(Self.staysSilent(fromA, milliseconds: 500), "replica 0's connection delivered")

        // Healed: nothing is shaped, the refresh stops, and a new connection delivers. (A cut
        // handshake of the connection opened during the isolation may complete first.)
        try await network.apply(.healed)
        #expect(network.targets.isEmpty)
        #expect(network.isolatedOutgoingPorts.isEmpty)
        let fifoD = try await replica0.connect()
        defer { close(fifoD) }
        Self.send("d healed\n", to: fifoD)
        var accepted: [LoopbackSocket] = []
        defer {
            for connection in accepted { connection.close() }
        }
        var delivered = false
        for _ in 0..<(fromB == nil ? 2 : 1) where !delivered {
            let connection = try Self.accept(listener)
            accepted.append(connection)
            delivered = try Self.line(from: connection) == "d healed\n"
        }
        #expect(delivered, "the connection opened after healing did not deliver")
        await network.stop()
        #expect(network.targets.isEmpty)
    }
}
