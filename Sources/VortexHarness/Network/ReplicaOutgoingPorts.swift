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

/// What a finder saw last, so an unchanged socket table needs no new look at the processes.
struct OutgoingPortScan: Sendable, Equatable {
    /// The replica's root process id at the scan.
    var root: Int32?
    /// The connected sockets to the other replicas' real ports: inode → local port.
    var sockets: [UInt64: Int]
    /// The ports found.
    var ports: Set<UInt16>
}

/// Finds the local ports of the connections a replica opened to the other replicas.
protocol OutgoingPortFinder: Sendable {
    /// `replica`'s outgoing ports now; `last` is the previous scan of the same replica (or nil)
    /// and becomes this one.
    func outgoingPorts(of replica: Int, last: inout OutgoingPortScan?) -> Set<UInt16>
}

/// The finder of a real run: the kernel's socket tables and the replicas' process trees.
struct ProcOutgoingPortFinder: OutgoingPortFinder {
    /// Per replica, the other replicas' real ports: the remote ports of its outgoing connections.
    private let remotePorts: [Set<Int>]
    private let replicaProcessIDs: @Sendable () -> [Int: Int32]

    init(replicaPorts: [[UInt16]], replicaProcessIDs: @escaping @Sendable () -> [Int: Int32]) {
        remotePorts = replicaPorts.indices.map { replica in
            var ports: Set<Int> = []
            for other in replicaPorts.indices where other != replica {
                ports.formUnion(replicaPorts[other].map(Int.init))
            }
            return ports
        }
        self.replicaProcessIDs = replicaProcessIDs
    }

    func outgoingPorts(of replica: Int, last: inout OutgoingPortScan?) -> Set<UInt16> {
        let root = replicaProcessIDs()[replica]
        let sockets =
            root == nil
            ? [:] : LoopbackSocketOwner.connectedSockets(remotePorts: remotePorts[replica])
        if let last, last.root == root, last.sockets == sockets {
            return last.ports
        }
        var ports: Set<UInt16> = []
        if let root {
            let found = LoopbackSocketOwner.ports(of: sockets, heldByTreeOf: root)
            ports = Set(found.compactMap { UInt16(exactly: $0) })
        }
        last = OutgoingPortScan(root: root, sockets: sockets, ports: ports)
        return ports
    }
}
