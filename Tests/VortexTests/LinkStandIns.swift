// Stand-ins for the replicas of the proxy link tests, on the host's loopback: a listener per
// replica plays its server, and a connection "from replica i" is a client socket bound to i's own
// address (127.1.0.(i+1)), the address the proxies tell replicas apart by. A test can then check
// each direction of each connection between two replicas: what the opener sends reaching the
// server, and what the server sends reaching the opener.

import Foundation
import Synchronization
import Testing

@testable import VortexHarness

#if canImport(Glibc)
import Glibc
#endif

/// One connection a replica opened to another one's server, seen from both ends.
final class LinkConnection: @unchecked Sendable {
    /// The opener (`link.from`) and the server's replica (`link.to`).
    let link: ReplicaLink
    /// The opener's end.
    let client: LoopbackSocket
    /// The server's end, or nil when the server never saw the connection.
    let server: LoopbackSocket?
    private let received = Mutex<(byServer: [UInt8], byOpener: [UInt8])>(([], []))

    init(link: ReplicaLink, client: LoopbackSocket, server: LoopbackSocket?) {
        self.link = link
        self.client = client
        self.server = server
    }

    /// Sends a line from the opener (nothing once the connection is closed).
    func sendFromOpener(_ line: String) {
        try? client.sendAll(Array("\(line)\n".utf8))
    }

    /// Sends a line from the server (nothing when it never saw the connection or it closed).
    func sendFromServer(_ line: String) {
        try? server?.sendAll(Array("\(line)\n".utf8))
    }

    /// Everything the server has received so far (reads without waiting).
    func receivedByServer() -> String {
        received.withLock { received in
            if let server { received.byServer += Self.drain(server) }
            return String(decoding: received.byServer, as: UTF8.self)
        }
    }

    /// Everything the opener has received so far (reads without waiting).
    func receivedByOpener() -> String {
        received.withLock { received in
            received.byOpener += Self.drain(client)
            return String(decoding: received.byOpener, as: UTF8.self)
        }
    }

    /// What `socket` has buffered, without waiting (at most 64 reads of 64 KiB).
    private static func drain(_ socket: LoopbackSocket) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        for _ in 0..<64 {
            let count = buffer.withUnsafeMutableBytes {
                recv(socket.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
            }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }

    func close() {
        client.close()
        server?.close()
    }
}

/// A listener per replica (its server), and connections opened from the replicas' addresses.
final class LinkCluster: @unchecked Sendable {
    let servers: [LoopbackSocket]
    private let connections = Mutex<[LinkConnection]>([])

    init(replicaCount: Int) throws {
        servers = try (0..<replicaCount).map { _ in try LoopbackSocket.listening() }
    }

    /// Opens a connection from `link.from`'s address to `port` (the proxy in front of
    /// `link.to`) and accepts it on `link.to`'s server, waiting at most `acceptMilliseconds`
    /// (nil when the server never sees it: the connection was closed before it reached it).
    func connect(
        _ link: ReplicaLink,
        port: Int,
        acceptMilliseconds: Int
    ) async throws -> LinkConnection {
        let client = try LoopbackSocket.connect(
            port: port,
            from: ClusterLayout.replicaHost(link.from)
        )
        let listener = servers[link.to]
        listener.setReceiveTimeout(milliseconds: acceptMilliseconds)
        let server = try await blocking { listener.accept() }
        let connection = LinkConnection(link: link, client: client, server: server)
        connections.withLock { $0.append(connection) }
        return connection
    }

    func stop() {
        let all = connections.withLock { connections in
            defer { connections = [] }
            return connections
        }
        for connection in all { connection.close() }
        for server in servers {
            server.shutDownListener()
            server.close()
        }
    }
}
