// Which replica opened a loopback TCP connection. A proxy sees only the client's address
// (127.0.0.1:ephemeral port); the kernel's socket tables (/proc/net/tcp and tcp6) map the pair
// (client address, address it connected to) to the client socket's inode, /proc/<pid>/fd says
// which process holds `socket:[inode]`, and the ppid chain (/proc/<pid>/stat) leads to a
// replica's root process or not. ProxyNetwork uses it as FaultProxy's connection classifier, so
// that isolating a replica also cuts the connections it opened (the netem backend reads the same
// tables through ReplicaOutgoingPorts). The run has its own pid and net namespaces, so the tables
// are small; still, every scan is bounded. An owner outside every replica's process tree (the
// driver, vortex itself, a process that already exited) is nil.

import Foundation
import NIOCore

/// One end of a TCP connection as the kernel's socket table shows it.
struct TCPEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4 (IPv4-mapped IPv6 addresses are stored as IPv4), else 16, in network
    /// order.
    let address: [UInt8]
    let port: Int

    init(address: [UInt8], port: Int) {
        precondition(address.count == 4 || address.count == 16, "an IPv4 or IPv6 address")
        let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]
        if address.count == 16 && Array(address.prefix(12)) == mappedPrefix {
            self.address = Array(address.suffix(4))
        } else {
            self.address = address
        }
        self.port = port
    }

    /// The endpoint of a NIO socket address; nil for a Unix domain socket.
    init?(_ socketAddress: SocketAddress) {
        guard let port = socketAddress.port else { return nil }
        switch socketAddress {
        case .v4(let ipv4):
            let bytes = withUnsafeBytes(of: ipv4.address.sin_addr) { Array($0) }
            self.init(address: bytes, port: port)
        case .v6(let ipv6):
            let bytes = withUnsafeBytes(of: ipv6.address.sin6_addr) { Array($0) }
            self.init(address: bytes, port: port)
        case .unixDomainSocket:
            return nil
        }
    }

    /// An endpoint as /proc/net/tcp writes it: `0100007F:1F90` (IPv4) or 32 hex digits and a
    /// port (IPv6). The address is the kernel's 32-bit words printed as host-order integers, so
    /// each word's bytes are in memory order, i.e. reversed on little-endian machines; the port
    /// is a plain hex number.
    init?(procNetHex text: Substring) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1], radix: 16), (0...65_535).contains(port)
        else { return nil }
        let hex = parts[0]
        guard hex.count == 8 || hex.count == 32 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var wordStart = hex.startIndex
        while wordStart < hex.endIndex {
            let wordEnd = hex.index(wordStart, offsetBy: 8)
            guard let word = UInt32(hex[wordStart..<wordEnd], radix: 16) else { return nil }
            withUnsafeBytes(of: word) { bytes.append(contentsOf: $0) }
            wordStart = wordEnd
        }
        self.init(address: bytes, port: port)
    }

    /// `127.0.0.1:4000`, or hex bytes and the port for IPv6.
    var description: String {
        let host =
            address.count == 4
            ? address.map(String.init).joined(separator: ".")
            : address.map { String($0, radix: 16) }.joined(separator: ":")
        return "\(host):\(port)"
    }
}

/// One row of /proc/net/tcp or /proc/net/tcp6.
struct ProcNetTCPRow: Sendable, Hashable {
    let local: TCPEndpoint
    let remote: TCPEndpoint
    /// The TCP state as the table writes it (e.g. `ProcNetTCP.listenState`).
    let state: UInt8
    /// The socket's inode; 0 for sockets no process holds (e.g. TIME_WAIT).
    let inode: UInt64
}

/// The parser of the kernel's TCP socket tables.
enum ProcNetTCP {
    /// The kernel's TCP_LISTEN (include/net/tcp_states.h).
    static let listenState: UInt8 = 0x0A

    /// The rows of a table's text (only those whose local port is `localPort`, when given); the
    /// header and malformed lines are skipped.
    static func parse(_ text: String, localPort: Int? = nil) -> [ProcNetTCPRow] {
        // A cheap filter first: a loaded host's table has tens of thousands of rows.
        let portSuffix = localPort.map { ":" + hex4($0) }
        var rows: [ProcNetTCPRow] = []
        for line in text.split(separator: "\n").dropFirst() {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout
            // inode …
            if let portSuffix {
                let head = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
                if head.count > 1, !head[1].hasSuffix(portSuffix) {
                    continue
                }
            }
            let fields = line.split(
                separator: " ",
                maxSplits: 10,
                omittingEmptySubsequences: true
            )
            guard fields.count > 9,
                let local = TCPEndpoint(procNetHex: fields[1]),
                let remote = TCPEndpoint(procNetHex: fields[2]),
                let state = UInt8(fields[3], radix: 16),
                let inode = UInt64(fields[9])
            else { continue }
            rows.append(ProcNetTCPRow(local: local, remote: remote, state: state, inode: inode))
        }
        return rows
    }

    /// A port as the tables write it: four upper-case hex digits.
    private static func hex4(_ port: Int) -> String {
        let digits = String(port, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// Finds the replica whose process tree holds the client end of a loopback connection.
enum LoopbackSocketOwner {
    /// Most /proc entries (processes) looked at.
    static let processCountMax = 4_096
    /// Most descriptors looked at per process.
    static let descriptorCountMax = 65_536
    /// Most ppid steps from a process up to a replica's root.
    static let ancestryDepthMax = 64
    /// Most bytes read of one /proc file (a socket table row is 150 bytes).
    static let procFileBytesMax = 64 * 1024 * 1024

    /// The replica whose process tree holds the socket that connected from `client` to
    /// `server`, given each replica's root process id; nil when no replica's tree holds it.
    static func replica(
        client: TCPEndpoint,
        server: TCPEndpoint,
        replicaRoots: [Int: Int32],
        procPath: String = "/proc"
    ) -> Int? {
        guard !replicaRoots.isEmpty,
            let inode = socketInode(client: client, server: server, procPath: procPath)
        else { return nil }
        var replicaOfRoot: [Int32: Int] = [:]
        for (replica, root) in replicaRoots {
            replicaOfRoot[root] = replica
        }
        for (processID, replica) in treeProcesses(replicaOfRoot, procPath: procPath)
        where socketInodes(heldBy: processID, procPath: procPath).contains(inode) {
            return replica
        }
        return nil
    }

    /// The inode of the socket whose local end is `client` and remote end `server`.
    static func socketInode(client: TCPEndpoint, server: TCPEndpoint, procPath: String) -> UInt64? {
        for text in tableTexts(procPath: procPath) {
            for row in ProcNetTCP.parse(text, localPort: client.port)
            where row.inode != 0 && row.local == client && row.remote == server {
                return row.inode
            }
        }
        return nil
    }

    /// The texts of the socket tables, IPv4 then IPv6, each read when the sequence reaches it; a
    /// table that cannot be read is skipped.
    static func tableTexts(procPath: String) -> some Sequence<String> {
        ["net/tcp", "net/tcp6"].lazy.compactMap { readProcFile("\(procPath)/\($0)") }
    }

    /// The whole text of a /proc file, up to `procFileBytesMax`. (Foundation's
    /// `String(contentsOfFile:)` stops after the first page of these files, whose size is 0.)
    static func readProcFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count < procFileBytesMax {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The parent process id in the text of /proc/<pid>/stat: `pid (comm) state ppid …`, where
    /// comm may hold spaces and parentheses, so the fields are counted after the last `)`.
    static func parentProcessID(statText: String) -> Int32? {
        guard let close = statText.lastIndex(of: ")") else { return nil }
        let fields = statText[statText.index(after: close)...].split(separator: " ")
        guard fields.count >= 2 else { return nil }
        return Int32(fields[1])
    }

    static func parentProcessID(of processID: Int32, procPath: String) -> Int32? {
        guard let text = readProcFile("\(procPath)/\(processID)/stat") else { return nil }
        return parentProcessID(statText: text)
    }

    /// The replica whose root is `processID` or one of its ancestors.
    static func replicaAncestor(
        of processID: Int32,
        parents: [Int32: Int32],
        replicaOfRoot: [Int32: Int]
    ) -> Int? {
        var current = processID
        for _ in 0..<ancestryDepthMax {
            if let replica = replicaOfRoot[current] {
                return replica
            }
            guard let parent = parents[current], parent > 0, parent != current else { return nil }
            current = parent
        }
        return nil
    }

    /// The numeric entries of /proc (processes, not threads), at most `processCountMax`.
    static func processIDs(procPath: String) -> [Int32] {
        directoryEntries(procPath, limit: processCountMax).compactMap { Int32($0) }
    }

    /// The processes (of the first `processCountMax` in /proc) that are a root of
    /// `replicaOfRoot` (root pid → replica) or one of its descendants, in /proc's order, each with
    /// the replica of its nearest such ancestor.
    static func treeProcesses(
        _ replicaOfRoot: [Int32: Int],
        procPath: String
    ) -> [(processID: Int32, replica: Int)] {
        let processIDs = processIDs(procPath: procPath)
        var parents: [Int32: Int32] = [:]
        for processID in processIDs {
            if let parent = parentProcessID(of: processID, procPath: procPath) {
                parents[processID] = parent
            }
        }
        return processIDs.compactMap { processID in
            replicaAncestor(of: processID, parents: parents, replicaOfRoot: replicaOfRoot)
                .map { (processID: processID, replica: $0) }
        }
    }

    /// The inodes of the sockets among `processID`'s first `descriptorCountMax` descriptors.
    static func socketInodes(heldBy processID: Int32, procPath: String) -> [UInt64] {
        let directory = "\(procPath)/\(processID)/fd"
        return directoryEntries(directory, limit: descriptorCountMax).compactMap { descriptor in
            let link = try? FileManager.default.destinationOfSymbolicLink(
                atPath: "\(directory)/\(descriptor)"
            )
            return link.flatMap(socketInode(link:))
        }
    }

    /// The inode a descriptor's link names when it is a socket (`socket:[12345]`), else nil.
    static func socketInode(link: String) -> UInt64? {
        guard link.hasPrefix("socket:["), link.hasSuffix("]") else { return nil }
        return UInt64(link.dropFirst("socket:[".count).dropLast())
    }

    /// The names in a directory other than `.` and `..`, at most `limit` of them.
    static func directoryEntries(_ path: String, limit: Int) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while names.count < limit, let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." {
                names.append(name)
            }
        }
        return names
    }
}
