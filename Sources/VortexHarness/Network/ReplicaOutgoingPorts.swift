// The local ports of the connections a replica opened to other replicas. The netem backend
// isolates a replica with u32 filters on ports: its real ports catch the connections to it, but a
// connection it dialled runs between an ephemeral port of its own and another replica's real
// port, so its filters must also name that ephemeral port. The kernel's socket tables
// (/proc/net/tcp and tcp6) list the connected sockets to the other replicas' real ports with
// their inodes; the processes of the replica's tree (its root and descendants, by /proc/<pid>/stat
// ppid chains) hold some of them as `socket:[inode]` descriptors. Every scan is bounded by
// LoopbackSocketOwner's limits.

import Foundation

extension ProcNetTCP {
    /// The sockets of a table's text that are one end of a connection (any state but LISTEN,
    /// held by a process: inode ≠ 0) whose remote port is one of `remotePorts`: inode → local
    /// port.
    static func connectedSockets(_ text: String, remotePorts: Set<Int>) -> [UInt64: Int] {
        var sockets: [UInt64: Int] = [:]
        for row in parse(text)
        where row.state != listenState && row.inode != 0 && remotePorts.contains(row.remote.port) {
            sockets[row.inode] = row.local.port
        }
        return sockets
    }
}

extension LoopbackSocketOwner {
    /// The connected sockets of both tables (IPv4 and IPv6) whose remote port is one of
    /// `remotePorts`: inode → local port.
    static func connectedSockets(
        remotePorts: Set<Int>,
        procPath: String = "/proc"
    ) -> [UInt64: Int] {
        var sockets: [UInt64: Int] = [:]
        for text in tableTexts(procPath: procPath) {
            sockets.merge(ProcNetTCP.connectedSockets(text, remotePorts: remotePorts)) { $1 }
        }
        return sockets
    }

    /// The local ports of those of `sockets` (inode → local port) that a process of `root`'s
    /// tree (`root` and its descendants) holds.
    static func ports(
        of sockets: [UInt64: Int],
        heldByTreeOf root: Int32,
        procPath: String = "/proc"
    ) -> Set<Int> {
        guard !sockets.isEmpty else { return [] }
        var ports: Set<Int> = []
        for (processID, _) in treeProcesses([root: 0], procPath: procPath) {
            ports.formUnion(
                socketInodes(heldBy: processID, procPath: procPath).compactMap { sockets[$0] }
            )
        }
        return ports
    }
}
