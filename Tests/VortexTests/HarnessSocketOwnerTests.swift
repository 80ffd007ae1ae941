// Tests of LoopbackSocketOwner, which tells the proxy backend which replica opened a connection:
// the /proc/net/tcp(6) and /proc/<pid>/stat parsers on literal kernel text, and the whole lookup
// on real sockets opened by real child processes (bash /dev/tcp), as a replica root, as a
// replica's descendant, and by processes outside every replica.

import Foundation
import ProcessControl
import Testing

@testable import VortexHarness

#if canImport(Glibc)
import Glibc
#endif

@Suite(.ownThread) struct HarnessSocketOwnerTests {
    static let loopback: [UInt8] = [127, 0, 0, 1]

    @Test func parsesIPv4RowsOfProcNetTCP() {
        let text = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  \
            timeout inode
               0: 0100007F:0FA0 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0  \
                  0 123456 1 0000000000000000 100 0 0 10 0
               1: 0100007F:C350 0100007F:1389 01 00000000:00000000 00:00000000 00000000     0  \
                  0 234567 1 0000000000000000 20 4 30 10 -1
               2: 0F02000A:0016 0202000A:D431 01 00000000:00000000 02:0009A2C1 00000000     0  \
                  0 0 2 0000000000000000 20 4 1 10 -1
               3: garbage
            """
        let rows = ProcNetTCP.parse(text)
        #expect(rows.count == 3)
        #expect(rows[0].local == TCPEndpoint(address: Self.loopback, port: 4000))
        #expect(rows[0].remote == TCPEndpoint(address: [0, 0, 0, 0], port: 0))
        #expect(rows[0].inode == 123_456)
        #expect(rows[1].local == TCPEndpoint(address: Self.loopback, port: 50_000))
        #expect(rows[1].remote == TCPEndpoint(address: Self.loopback, port: 5001))
        #expect(rows[1].inode == 234_567)
        #expect(rows[2].local == TCPEndpoint(address: [10, 0, 2, 15], port: 22))
        #expect(rows[2].remote == TCPEndpoint(address: [10, 0, 2, 2], port: 54_321))
        #expect(rows[2].inode == 0)
    }

    @Test func parsesIPv6RowsAndStoresMappedIPv4AsIPv4() {
        let text = """
              sl  local_address                         remote_address                        st \
            tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0000000000000000FFFF00000100007F:C351 0000000000000000FFFF00000100007F:1389 01 \
            00000000:00000000 00:00000000 00000000     0        0 345678 1 0000000000000000 20 4 \
            30 10 -1
               1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A \
            00000000:00000000 00:00000000 00000000     0        0 456789 1 0000000000000000 100 0 \
            0 10 0
            """
        let rows = ProcNetTCP.parse(text)
        #expect(rows.count == 2)
        #expect(rows[0].local == TCPEndpoint(address: Self.loopback, port: 50_001))
        #expect(rows[0].remote == TCPEndpoint(address: Self.loopback, port: 5001))
        #expect(rows[0].inode == 345_678)
        let ipv6Loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
        #expect(rows[1].local == TCPEndpoint(address: ipv6Loopback, port: 8080))
        #expect(rows[1].inode == 456_789)
    }

    @Test func rejectsMalformedEndpoints() {
        #expect(TCPEndpoint(procNetHex: "0100007F") == nil)
        #expect(TCPEndpoint(procNetHex: "0100007:0FA0") == nil)
        #expect(TCPEndpoint(procNetHex: "0100007G:0FA0") == nil)
        #expect(TCPEndpoint(procNetHex: "0100007F:1FFFF") == nil)
    }

    @Test func parsesTheParentOfAStatLineWhateverTheCommandName() {
        let stat = "4242 (a (weird) name) S 77 4242 4242 0 -1 4194560 93 0 0 0 0 0 0 0 20 0 1"
        #expect(LoopbackSocketOwner.parentProcessID(statText: stat) == 77)
        #expect(LoopbackSocketOwner.parentProcessID(statText: "4242 (x)") == nil)
        #expect(LoopbackSocketOwner.parentProcessID(statText: "garbage") == nil)
    }

    /// A bash child that connects to `port` and holds the connection until the peer closes it;
    /// with `inSubshell` the socket is opened by a child of that bash, not by bash itself.
    static func holdingClient(port: Int, inSubshell: Bool) async throws -> ChildProcess {
        let hold = "exec 3<>/dev/tcp/127.0.0.1/$1 && echo connected && read -r _ <&3"
        let script = inSubshell ? "( \(hold) ) & wait" : hold
        let child = try spawnBash(script, arguments: ["\(port)"])
        let line = try await firstLine(of: child)
        #expect(line == "connected")
        return child
    }

    @Test func aSocketOpenedByAReplicaRootOrItsDescendantIsThatReplicas() async throws {
        let listener = try LoopbackSocket.listening()
        defer { listener.close() }
        let server = listener.localEndpoint
        let root = try await Self.holdingClient(port: server.port, inSubshell: false)
        defer { try? root.kill() }
        let fromRoot = try #require(listener.accept())
        defer { fromRoot.close() }
        let parent = try await Self.holdingClient(port: server.port, inSubshell: true)
        defer { try? parent.kill() }
        let fromDescendant = try #require(listener.accept())
        defer { fromDescendant.close() }
        let bystander = try spawnBash("read -r _", arguments: [])
        defer { try? bystander.kill() }

        let roots: [Int: Int32] = [1: root.pid, 2: parent.pid, 0: bystander.pid]
        #expect(
            LoopbackSocketOwner.replica(
                client: fromRoot.peerEndpoint,
                server: server,
                replicaRoots: roots
            ) == 1
        )
        #expect(
            LoopbackSocketOwner.replica(
                client: fromDescendant.peerEndpoint,
                server: server,
                replicaRoots: roots
            ) == 2
        )
        // Not a root of any replica (only the bystander is): no replica.
        #expect(
            LoopbackSocketOwner.replica(
                client: fromRoot.peerEndpoint,
                server: server,
                replicaRoots: [0: bystander.pid]
            ) == nil
        )
        #expect(
            LoopbackSocketOwner.replica(
                client: fromRoot.peerEndpoint,
                server: server,
                replicaRoots: [:]
            ) == nil
        )
        // The other end of the same connection, or a wrong server address: no such socket.
        #expect(
            LoopbackSocketOwner.replica(
                client: server,
                server: fromRoot.peerEndpoint,
                replicaRoots: roots
            ) == nil
        )
        let wrongServer = TCPEndpoint(address: server.address, port: server.port == 1 ? 2 : 1)
        #expect(
            LoopbackSocketOwner.replica(
                client: fromRoot.peerEndpoint,
                server: wrongServer,
                replicaRoots: roots
            ) == nil
        )
    }

    @Test func aSocketOfAProcessOutsideEveryReplicaIsNoReplicas() async throws {
        let listener = try LoopbackSocket.listening()
        defer { listener.close() }
        let replica = try spawnBash("read -r _", arguments: [])
        defer { try? replica.kill() }
        // This test process is the parent of the replica, not one of its descendants.
        let own = try LoopbackSocket.connect(port: listener.localEndpoint.port)
        defer { own.close() }
        #expect(
            LoopbackSocketOwner.replica(
                client: own.localEndpoint,
                server: listener.localEndpoint,
                replicaRoots: [0: replica.pid]
            ) == nil
        )
        // The same socket, with this process named as a replica root, is found.
        #expect(
            LoopbackSocketOwner.replica(
                client: own.localEndpoint,
                server: listener.localEndpoint,
                replicaRoots: [3: getpid()]
            ) == 3
        )
    }
}
