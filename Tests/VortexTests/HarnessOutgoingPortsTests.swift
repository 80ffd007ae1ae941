// Tests of ReplicaOutgoingPorts, which gives the netem backend the local ports of the connections
// an isolated replica opened: the socket-table filter (connected, held, to the given remote
// ports) and the descriptor-link parser on literal text, and the whole lookup on real sockets
// opened by bash /dev/tcp children, as a tree's root, as a descendant, and outside the tree.

import Foundation
import ProcessControl
import Testing

@testable import VortexHarness

#if canImport(Glibc)
import Glibc
#endif

@Suite(.ownThread) struct HarnessOutgoingPortsTests {
    @Test func keepsTheConnectedHeldSocketsToTheGivenRemotePorts() {
        // 4001 = 0FA1, 4002 = 0FA2; 50000 = C350 ….
        let text = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  \
            timeout inode
               0: 0100007F:0FA1 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0  \
                  0 100 1 0000000000000000 100 0 0 10 0
               1: 0100007F:C350 0100007F:0FA1 01 00000000:00000000 00:00000000 00000000     0  \
                  0 101 1 0000000000000000 20 4 30 10 -1
               2: 0100007F:C351 0100007F:0FA2 02 00000000:00000000 01:00000064 00000000     0  \
                  0 102 1 0000000000000000 20 4 30 10 -1
               3: 0100007F:C352 0100007F:0FA1 06 00000000:00000000 03:00000C6E 00000000     0  \
                  0 0 3 0000000000000000
               4: 0100007F:0FA1 0100007F:C353 01 00000000:00000000 00:00000000 00000000     0  \
                  0 104 1 0000000000000000 20 4 30 10 -1
               5: 0100007F:C354 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0  \
                  0 105 1 0000000000000000 20 4 30 10 -1
               6: 0100007F:C355 0100007F:0FA1 08 00000000:00000000 00:00000000 00000000     0  \
                  0 106 1 0000000000000000 20 4 30 10 -1
            """
        let rows = ProcNetTCP.parse(text)
        #expect(rows.map(\.state) == [0x0A, 0x01, 0x02, 0x06, 0x01, 0x01, 0x08])
        // Not the listener, not the TIME_WAIT row (no inode), not the accepted end (remote port
        // ephemeral), not the connection to another port.
        #expect(
            ProcNetTCP.connectedSockets(text, remotePorts: [4001, 4002])
                == [101: 50_000, 102: 50_001, 106: 50_005]
        )
        #expect(ProcNetTCP.connectedSockets(text, remotePorts: [4002]) == [102: 50_001])
        #expect(ProcNetTCP.connectedSockets(text, remotePorts: [0]).isEmpty)
        #expect(ProcNetTCP.connectedSockets(text, remotePorts: []).isEmpty)
    }

    @Test func parsesSocketDescriptorLinks() {
        #expect(LoopbackSocketOwner.socketInode(link: "socket:[123456]") == 123_456)
        #expect(LoopbackSocketOwner.socketInode(link: "pipe:[123456]") == nil)
        #expect(LoopbackSocketOwner.socketInode(link: "/dev/null") == nil)
        #expect(LoopbackSocketOwner.socketInode(link: "socket:[12x]") == nil)
        #expect(LoopbackSocketOwner.socketInode(link: "socket:[]") == nil)
    }

    @Test func findsThePortsOfTheConnectionsATreeOpened() async throws {
        let listener = try LoopbackSocket.listening()
        defer { listener.close() }
        let other = try LoopbackSocket.listening()
        defer { other.close() }
        let port = listener.localEndpoint.port
        let otherPort = other.localEndpoint.port

        let root = try await HarnessSocketOwnerTests.holdingClient(port: port, inSubshell: false)
        defer { try? root.kill() }
        let fromRoot = try #require(listener.accept())
        defer { fromRoot.close() }
        let parent = try await HarnessSocketOwnerTests.holdingClient(port: port, inSubshell: true)
        defer { try? parent.kill() }
        let fromDescendant = try #require(listener.accept())
        defer { fromDescendant.close() }
        let own = try LoopbackSocket.connect(port: otherPort)
        defer { own.close() }

        #expect(
            LoopbackSocketOwner.outgoingPorts(ofTreeOf: root.pid, remotePorts: [port])
                == [fromRoot.peerEndpoint.port]
        )
        #expect(
            LoopbackSocketOwner.outgoingPorts(ofTreeOf: parent.pid, remotePorts: [port])
                == [fromDescendant.peerEndpoint.port]
        )
        // Connections to other ports are not the tree's outgoing connections to `remotePorts`.
        #expect(
            LoopbackSocketOwner.outgoingPorts(ofTreeOf: root.pid, remotePorts: [otherPort])
                .isEmpty
        )
        // This process is the bash children's ancestor: its tree holds all three client ends,
        // and neither the listeners nor the accepted ends.
        let mine = LoopbackSocketOwner.outgoingPorts(
            ofTreeOf: getpid(),
            remotePorts: [port, otherPort, 0]
        )
        let clients = [fromRoot.peerEndpoint.port, fromDescendant.peerEndpoint.port]
        #expect(mine.isSuperset(of: clients + [own.localEndpoint.port]))
        #expect(!mine.contains(port) && !mine.contains(otherPort))
        // A tree that holds no such connection, and a process that does not exist.
        let bystander = try spawnBash("read -r _", arguments: [])
        defer { try? bystander.kill() }
        #expect(
            LoopbackSocketOwner.outgoingPorts(ofTreeOf: bystander.pid, remotePorts: [port])
                .isEmpty
        )
        #expect(LoopbackSocketOwner.outgoingPorts(ofTreeOf: -7, remotePorts: [port]).isEmpty)
    }
}

extension LoopbackSocketOwner {
    /// The local ports of the connections that `root`'s process tree opened (or is opening) to
    /// one of `remotePorts`.
    fileprivate static func outgoingPorts(
        ofTreeOf root: Int32,
        remotePorts: Set<Int>,
        procPath: String = "/proc"
    ) -> Set<Int> {
        let sockets = connectedSockets(remotePorts: remotePorts, procPath: procPath)
        return ports(of: sockets, heldByTreeOf: root, procPath: procPath)
    }
}
