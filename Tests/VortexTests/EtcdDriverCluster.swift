// A real etcd cluster for the driver tests: N members of Debian's etcd 3.4 on loopback, with
// free ports, temporary data directories, pre-vote, and the transaction limits the etcd target
// uses. `stop()` kills every member and removes the directories; tests call it in `defer`.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Failure to start or drive the test cluster.
struct EtcdTestError: Error, CustomStringConvertible {
    let description: String
}

/// A running etcd cluster owned by one test.
final class EtcdTestCluster: @unchecked Sendable {
    /// One member: its ports, data directory and process (nil while killed).
    struct Member {
        let name: String
        let clientPort: Int
        let peerPort: Int
        let dataDirectory: String
        var process: Process?
    }

    /// The members, in the order the driver is given their addresses.
    private(set) var members: [Member]
    /// The directory holding the data directories and logs.
    let directory: String
    private let token: String

    /// The etcd binary, or nil when etcd is not installed (scripts/setup-etcd installs it).
    static var etcdPath: String? {
        ["/usr/bin/etcd", "/usr/local/bin/etcd"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// The etcdctl binary, or nil.
    static var etcdctlPath: String? {
        ["/usr/bin/etcdctl", "/usr/local/bin/etcdctl"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Starts `count` members and waits until the cluster accepts a write.
    init(memberCount count: Int) throws {
        let directory =
            FileManager.default.temporaryDirectory.path + "/vortex-etcd-test-" + UUID().uuidString
        self.directory = directory
        token = "vortex-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true
        )
        let ports = try Self.freePorts(2 * count)
        members = (0..<count).map { index in
            Member(
                name: "m\(index)",
                clientPort: ports[2 * index],
                peerPort: ports[2 * index + 1],
                dataDirectory: "\(directory)/m\(index).etcd",
                process: nil
            )
        }
        do {
            for index in members.indices { try start(member: index) }
            try waitForWrite(timeout: .seconds(30))
        } catch {
            stop()
            throw error
        }
    }

    /// The driver's address argument: the client ports, comma-separated.
    var addresses: String { members.map { String($0.clientPort) }.joined(separator: ",") }

    /// Starts (or restarts, keeping its data) member `index`.
    func start(member index: Int) throws {
        precondition(members[index].process == nil, "member \(index) is running already")
        guard let etcd = Self.etcdPath else { throw EtcdTestError(description: "etcd missing") }
        let member = members[index]
        let initialCluster = members.map { "\($0.name)=http://127.0.0.1:\($0.peerPort)" }
            .joined(separator: ",")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: etcd)
        process.arguments = [
            "--name=\(member.name)",
            "--data-dir=\(member.dataDirectory)",
            "--listen-peer-urls=http://127.0.0.1:\(member.peerPort)",
            "--initial-advertise-peer-urls=http://127.0.0.1:\(member.peerPort)",
            "--listen-client-urls=http://127.0.0.1:\(member.clientPort)",
            "--advertise-client-urls=http://127.0.0.1:\(member.clientPort)",
            "--initial-cluster=\(initialCluster)",
            "--initial-cluster-state=new",
            "--initial-cluster-token=\(token)",
            "--pre-vote=true",
            "--max-txn-ops=32768",
            "--max-request-bytes=16777216",
        ]
        let log = "\(directory)/\(member.name).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        members[index].process = process
    }

    /// Kills member `index` with SIGKILL and waits for it to exit.
    func kill(member index: Int) {
        guard let process = members[index].process else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        members[index].process = nil
    }

    /// Sends `signal` (SIGSTOP, SIGCONT) to member `index`.
    func signal(member index: Int, _ signal: Int32) {
        guard let process = members[index].process else { return }
        Glibc.kill(process.processIdentifier, signal)
    }

    /// Kills every member and removes the data directories and logs.
    func stop() {
        for index in members.indices { kill(member: index) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs etcdctl against the running members and returns its stdout.
    func etcdctl(_ arguments: [String]) throws -> String {
        guard let etcdctl = Self.etcdctlPath else {
            throw EtcdTestError(description: "etcdctl missing: run scripts/setup-etcd")
        }
        let endpoints = members.filter { $0.process != nil }
            .map { "http://127.0.0.1:\($0.clientPort)" }.joined(separator: ",")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: etcdctl)
        process.arguments = ["--endpoints=\(endpoints)", "--command-timeout=5s"] + arguments
        process.environment = ["ETCDCTL_API": "3"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw EtcdTestError(
                description: "etcdctl \(arguments) exited \(process.terminationStatus)"
            )
        }
        return String(decoding: data, as: UTF8.self)
    }

    private func waitForWrite(timeout: Duration) throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            if (try? etcdctl(["put", "/vortex-test/ready", "yes"])) != nil { return }
            guard clock.now < deadline else {
                throw EtcdTestError(description: "the etcd cluster took no write within \(timeout)")
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    /// `count` distinct free TCP ports on 127.0.0.1 (bound, read back, released).
    private static func freePorts(_ count: Int) throws -> [Int] {
        var ports: Set<Int> = []
        var sockets: [Int32] = []
        defer { for socket in sockets { close(socket) } }
        while ports.count < count {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { throw EtcdTestError(description: "socket() failed") }
            sockets.append(socket)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                    bind(socket, raw, length) == 0 && getsockname(socket, raw, &length) == 0
                }
            }
            guard bound else { throw EtcdTestError(description: "bind() failed") }
            ports.insert(Int(UInt16(bigEndian: address.sin_port)))
        }
        return Array(ports)
    }
}
