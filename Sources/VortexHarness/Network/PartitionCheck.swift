// `vortex partition-check`: proves, on this machine and kernel, that a network backend cuts
// exactly the links of every partition shape, with the replicas' real hosts (ReplicaHosts) and
// the real backend, and times applying and healing them. In the run's namespaces it gives each of
// n stand-in replicas its own host and a listener on its real port (PartitionStandIn, which the
// partition benchmark times too); for each shape it opens a connection from every replica to
// every other (through the proxies, or directly under netem), applies the partition, and checks
// each direction of each connection — opened before the partition and during it: from the moment
// `apply` returns no byte crosses a cut link, every link that is not cut carries both ways, and
// the driver's side (the run's namespace) still reaches every replica. After the heal every link
// carries again. Then it applies and heals the shape `rounds` times and reports the p50 of each,
// with isolation (today's only partition) as the baseline. Exit 0 when every check held, 1
// otherwise.

import Foundation
import Netem

/// Checks and times a backend's partitions.
public enum PartitionCheck {
    /// What to check.
    public struct Options: Sendable {
        /// `proxy` or `netem`.
        public var backend: FaultBackendKind
        /// Stand-in replicas, 2 through 6.
        public var replicaCount: Int
        /// Apply/heal rounds timed per shape (0: no timing).
        public var rounds: Int

        /// Creates options.
        public init(backend: FaultBackendKind, replicaCount: Int, rounds: Int) {
            precondition(backend != .none, "a backend that partitions")
            precondition((2...ClusterLayout.replicaCountMax).contains(replicaCount), "2...6")
            precondition(rounds >= 0 && rounds <= 100_000, "a bounded number of rounds")
            self.backend = backend
            self.replicaCount = replicaCount
            self.rounds = rounds
        }
    }

    /// How long a connection that must be accepted may take.
    static let acceptWaitMs = 5_000
    /// How long a connection that may be cut is given to show up.
    static let cutAcceptWaitMs = 300
    /// How long a cut direction is watched for bytes after every allowed one delivered.
    static let silenceMs = 300

    /// Runs the check in new namespaces (relaunching vortex) and returns the exit code.
    public static func launch(_ options: Options) async -> Int32 {
        if let failure = await RunLauncher.relaunchInNamespaces() {
            print("partition-check: cannot create the namespaces: \(failure)")
            return RunOutcome.usage.code
        }
        do {
            return try await runInside(options)
        } catch {
            print("partition-check: \(error)")
            return RunOutcome.usage.code
        }
    }

    private static func runInside(_ options: Options) async throws -> Int32 {
        let count = options.replicaCount
        let standIn = try await PartitionStandIn(backend: options.backend, replicaCount: count)
        let check = Check(standIn: standIn, acceptsHalfCutLinks: options.backend == .proxy)
        print("partition-check: --faults \(options.backend.rawValue), \(count) replicas")
        var failures = 0
        var baseline: (applyMs: Double, healMs: Double)?
        for shape in PartitionStandIn.shapes(replicaCount: count) {
            let partition = standIn.partition(shape)
            let problems = try await check.round(partition)
            failures += problems.count
            for problem in problems {
                print("partition-check: FAIL \(shape.rawValue): \(problem)")
            }
            var line =
                "\(shape.rawValue) cut=\(FaultDecision.describe(partition.sortedCut)) "
                + (problems.isEmpty ? "ok" : "FAILED")
            if options.rounds > 0 {
                let timing = try await standIn.timeP50(partition, rounds: options.rounds)
                baseline = baseline ?? timing
                line +=
                    " apply_p50_ms=\(format(timing.applyMs)) heal_p50_ms=\(format(timing.healMs))"
                if let baseline, shape != .isolate {
                    line +=
                        " vs_isolate=\(format(timing.applyMs / baseline.applyMs))×"
                        + "/\(format(timing.healMs / baseline.healMs))×"
                }
            }
            print(line)
        }
        await standIn.stop()
        print(
            failures == 0
                ? "partition-check: PASS every shape cut exactly its links"
                : "partition-check: FAIL \(failures) problem\(failures == 1 ? "" : "s")"
        )
        return failures == 0 ? 0 : 1
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.3f", value)
    }
}

/// One connection of the check and what each end has received.
private final class CheckConnection {
    /// The replicas it joins (nil `from`: the run's namespace, as the driver).
    let from: Int?
    let to: Int
    let client: CheckSocket
    let server: CheckSocket?
    var receivedByServer = ""
    var receivedByOpener = ""

    init(from: Int?, to: Int, client: CheckSocket, server: CheckSocket?) {
        self.from = from
        self.to = to
        self.client = client
        self.server = server
    }

    var name: String { "\(from.map(String.init) ?? "driver")→\(to)" }

    func collect() {
        receivedByOpener += String(decoding: client.drain(), as: UTF8.self)
        if let server { receivedByServer += String(decoding: server.drain(), as: UTF8.self) }
    }

    func close() {
        client.close()
        server?.close()
    }
}

/// The checks on one stand-in cluster.
private struct Check {
    let standIn: PartitionStandIn
    /// Whether a connection over a link cut one way is still accepted (the proxy accepts it
    /// and holds the cut direction; netem drops its handshake).
    let acceptsHalfCutLinks: Bool

    var hosts: ReplicaHosts { standIn.hosts }
    var layout: ClusterLayout { standIn.layout }
    var servers: [CheckSocket] { standIn.servers }

    /// Opens a connection from `from` (nil: the run's namespace) to `to`'s advertised address
    /// and waits up to `acceptWaitMs` for `to`'s server to see it.
    func connect(from: Int?, to: Int, acceptWaitMs: Int) throws -> CheckConnection {
        // A connection a cut link left unaccepted earlier must not pass for this one.
        while let stale = servers[to].accept(milliseconds: 0) { stale.close() }
        let client =
            try from.map { CheckSocket(descriptor: try hosts.namespaces[$0].openTCPSocket()) }
            ?? CheckSocket.inCurrentNamespace()
        try client.startConnecting(
            host: layout.advertisedHost(PartitionStandIn.portName, replica: to),
            port: layout.advertisedPort(PartitionStandIn.portName, replica: to)
        )
        let server = servers[to].accept(milliseconds: acceptWaitMs)
        if server != nil { _ = client.waitConnected(milliseconds: PartitionCheck.acceptWaitMs) }
        return CheckConnection(from: from, to: to, client: client, server: server)
    }

    /// Waits (at most 10 s) until every connection's ends received what `expected` says.
    private func waitFor(
        _ connections: [CheckConnection],
        _ expected: (CheckConnection) -> (server: String?, opener: String?)
    ) async -> [String] {
        var missing: [String] = []
        for _ in 0..<500 {
            missing = []
            for connection in connections {
                connection.collect()
                let (server, opener) = expected(connection)
                if let server, !connection.receivedByServer.contains(server) {
                    missing.append("\(connection.name) did not carry '\(server)'")
                }
                if let opener, !connection.receivedByOpener.contains(opener) {
                    missing.append("\(connection.name) did not carry '\(opener)' back")
                }
            }
            if missing.isEmpty { break }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return missing
    }

    /// Checks one partition: before, during (old and new connections) and after.
    func round(_ partition: Partition) async throws -> [String] {
        let count = layout.replicaCount
        let links = ReplicaLink.all(among: Array(0..<count))
        var problems: [String] = []
        var all: [CheckConnection] = []
        defer { for connection in all { connection.close() } }

        var before: [CheckConnection] = []
        for link in links {
            before.append(
                try connect(from: link.from, to: link.to, acceptWaitMs: PartitionCheck.acceptWaitMs)
            )
        }
        for replica in 0..<count {
            before.append(
                try connect(from: nil, to: replica, acceptWaitMs: PartitionCheck.acceptWaitMs)
            )
        }
        all += before
        problems += before.filter { $0.server == nil }.map { "\($0.name) not accepted before" }
        for connection in before {
            connection.client.send("hello\n")
            connection.server?.send("hello back\n")
        }
        problems += await waitFor(before) { _ in ("hello", "hello back") }
        guard problems.isEmpty else { return problems }

        try await standIn.apply(partition)
        // From here on nothing may cross a cut link.
        for connection in before {
            connection.client.send("sent during\n")
            connection.server?.send("sent back during\n")
        }
        var during: [CheckConnection] = []
        for link in links {
            let forward = partition.carries(from: link.from, to: link.to)
            let back = partition.carries(from: link.to, to: link.from)
            let uncut = forward && back
            let accepted = uncut || (acceptsHalfCutLinks && (forward || back))
            let connection = try connect(
                from: link.from,
                to: link.to,
                acceptWaitMs: accepted
                    ? PartitionCheck.acceptWaitMs : PartitionCheck.cutAcceptWaitMs
            )
            if uncut && connection.server == nil {
                problems.append("\(connection.name) (not cut) not accepted during")
            }
            connection.client.send("opened during\n")
            connection.server?.send("opened back during\n")
            during.append(connection)
        }
        all += during
        func carries(_ from: Int?, _ to: Int?) -> Bool {
            guard let from, let to else { return true }
            return partition.carries(from: from, to: to)
        }
        problems += await waitFor(before) { connection in
            (
                carries(connection.from, connection.to) ? "sent during" : nil,
                carries(connection.to, connection.from) ? "sent back during" : nil
            )
        }
        let accepted = during.filter { $0.server != nil }
        problems += await waitFor(accepted) { connection in
            (
                carries(connection.from, connection.to) ? "opened during" : nil,
                carries(connection.to, connection.from) ? "opened back during" : nil
            )
        }
        try await Task.sleep(for: .milliseconds(PartitionCheck.silenceMs))
        for connection in before + accepted {
            connection.collect()
            let serverGot = connection.receivedByServer
            let openerGot = connection.receivedByOpener
            if !carries(connection.from, connection.to)
                && (serverGot.contains("sent during") || serverGot.contains("opened during"))
            {
                problems.append("\(connection.name) is cut but carried bytes")
            }
            if !carries(connection.to, connection.from)
                && (openerGot.contains("back during"))
            {
                problems.append("\(connection.name) is cut back but carried bytes")
            }
        }
        // Connections still opening would retransmit their SYN after the heal: end them first.
        for connection in during { connection.close() }

        try await standIn.heal()
        var after: [CheckConnection] = []
        for link in links {
            after.append(
                try connect(from: link.from, to: link.to, acceptWaitMs: PartitionCheck.acceptWaitMs)
            )
        }
        all += after
        problems += after.filter { $0.server == nil }.map { "\($0.name) not accepted after heal" }
        for connection in after {
            connection.client.send("healed\n")
            connection.server?.send("healed back\n")
        }
        problems += await waitFor(after.filter { $0.server != nil }) { _ in
            ("healed", "healed back")
        }
        return problems
    }
}
