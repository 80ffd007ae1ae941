// Stand-ins for the replicas of the link tests: one bash process per replica that opens TCP
// connections on request (in child subshells, so the replica's process tree holds them, as a real
// replica's would), sends the lines the test writes to a FIFO, and appends what it receives to a
// file; and a listener per replica that plays the replica's server. With them a test can check
// each direction of each connection between two replicas: what the opener sends reaching the
// server, and what the server sends reaching the opener.

import Foundation
import ProcessControl
import Synchronization
import Testing

@testable import VortexHarness

#if canImport(Glibc)
import Glibc
#endif

/// One replica's client side: a bash process that opens connections on request.
final class LinkStandIn: Sendable {
    let replica: Int
    let process: ChildProcess
    private let directory: String
    private let count = Mutex(0)

    /// Starts the stand-in of `replica`.
    init(replica: Int) throws {
        self.replica = replica
        // For each request `host port fifo out`: connect, copy the socket to `out`, and the
        // FIFO's lines to the socket.
        let script = """
            trap '' PIPE
            while read -r host port fifo out; do
                ( exec 3<>"/dev/tcp/$host/$port" || exit 1
                  cat <&3 >>"$out" &
                  while IFS= read -r line; do printf '%s\\n' "$line" >&3; done <"$fifo" ) &
            done
            """
        process = try spawnBash(script, arguments: [])
        directory = NSTemporaryDirectory() + "vortex-link-stand-in-\(process.pid)"
        try FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true
        )
    }

    /// Opens a connection to `host:port`; returns its FIFO (what the test writes is sent) and
    /// the file that collects what it receives.
    func connect(host: String, port: Int) async throws -> (fifo: Int32, received: String) {
        let index = count.withLock { count in
            defer { count += 1 }
            return count
        }
        let fifo = "\(directory)/send-\(index)"
        let received = "\(directory)/received-\(index)"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(FileManager.default.createFile(atPath: received, contents: nil))
        // Read-write, so the open does not wait for the reader.
        let descriptor = open(fifo, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LoopbackSocketFailure(operation: "open fifo", code: errno)
        }
        let input = try #require(process.standardInput)
        try await input.write(Array("\(host) \(port) \(fifo) \(received)\n".utf8))
        return (descriptor, received)
    }

    func stop() {
        try? process.kill()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// One connection a replica opened to another one's server, seen from both ends.
final class LinkConnection: @unchecked Sendable {
    /// The opener (`link.from`) and the server's replica (`link.to`).
    let link: ReplicaLink
    private let fifo: Int32
    private let receivedPath: String
    /// The server's end, or nil when the server never saw the connection.
    let server: LoopbackSocket?
    private var fromOpener: [UInt8] = []
    private var serverClosed = false

    init(link: ReplicaLink, fifo: Int32, receivedPath: String, server: LoopbackSocket?) {
        self.link = link
        self.fifo = fifo
        self.receivedPath = receivedPath
        self.server = server
    }

    /// Sends a line from the opener.
    func sendFromOpener(_ line: String) {
        let bytes = Array("\(line)\n".utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fifo, $0.baseAddress, $0.count) }
        #expect(written == bytes.count)
    }

    /// Sends a line from the server (nothing when it never saw the connection or it closed).
    func sendFromServer(_ line: String) {
        guard let server else { return }
        try? server.sendAll(Array("\(line)\n".utf8))
    }

    /// Everything the server has received so far (reads without waiting).
    func receivedByServer() -> String {
        guard let server, !serverClosed else { return String(decoding: fromOpener, as: UTF8.self) }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        // Bounded: each round reads what is buffered, at most 1000 rounds.
        for _ in 0..<1_000 {
            let count = buffer.withUnsafeMutableBytes {
                recv(server.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
            }
            if count > 0 {
                fromOpener += buffer[0..<count]
                continue
            }
            if count == 0 { serverClosed = true }
            break
        }
        return String(decoding: fromOpener, as: UTF8.self)
    }

    /// Everything the opener has received so far.
    func receivedByOpener() -> String {
        (try? String(contentsOfFile: receivedPath, encoding: .utf8)) ?? ""
    }

    func close() {
        Glibc.close(fifo)
        server?.close()
    }
}

/// A listener per replica (its server), and each replica's stand-in client.
final class LinkCluster: @unchecked Sendable {
    let servers: [LoopbackSocket]
    let standIns: [LinkStandIn]
    private var connections: [LinkConnection] = []

    init(replicaCount: Int) throws {
        servers = try (0..<replicaCount).map { _ in try LoopbackSocket.listening() }
        standIns = try (0..<replicaCount).map { try LinkStandIn(replica: $0) }
    }

    /// Each replica's root process id (what the proxy backend's classifier is given).
    var rootProcessIDs: [Int: Int32] {
        Dictionary(uniqueKeysWithValues: standIns.map { ($0.replica, $0.process.pid) })
    }

    /// Opens a connection from `link.from` to `port` (the address the harness gives it for
    /// `link.to`) and accepts it on `link.to`'s server, waiting at most `acceptMilliseconds`
    /// (nil when the server never sees it: the connection was refused or closed before it
    /// reached the server).
    func connect(
        _ link: ReplicaLink,
        host: String = "127.0.0.1",
        port: Int,
        acceptMilliseconds: Int
    ) async throws -> LinkConnection {
        let (fifo, received) = try await standIns[link.from].connect(host: host, port: port)
        let listener = servers[link.to]
        listener.setReceiveTimeout(milliseconds: acceptMilliseconds)
        let server = try await blocking { listener.accept() }
        server?.setReceiveTimeout(milliseconds: 10_000)
        let connection = LinkConnection(
            link: link,
            fifo: fifo,
            receivedPath: received,
            server: server
        )
        connections.append(connection)
        return connection
    }

    func stop() {
        for connection in connections { connection.close() }
        connections = []
        for standIn in standIns { standIn.stop() }
        for server in servers {
            server.shutDownListener()
            server.close()
        }
    }
}
