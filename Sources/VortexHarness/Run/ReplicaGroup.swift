// The replicas of a run as supervised OS processes: replica i is the temporary process child
// `replica-i` of the `cluster` supervisor. Before its first start its data directory is created
// and the target's prepare command (e.g. `tigerbeetle format`) runs; every start runs the start
// command with stdout and stderr appended to `<output>/replica-<i>.log`, inside the replica's own
// network namespace (ReplicaHosts), so it has its own address. The fault executor
// reaches the replicas through ReplicaControl: terminate = brutal stop (SIGKILL and reap),
// restart = restartChild, pause/resume = SIGSTOP/SIGCONT of the child's process.

import Foundation
import Netem
import ProcessControl
import Supervision
import Synchronization

/// Starts, stops, pauses and resumes the replicas of one run.
final class ReplicaGroup: ReplicaControl, Sendable {
    /// The nested supervisor's id under the root.
    static let supervisorID = "cluster"

    private let values: PlaceholderValues
    private let target: TargetDefinition
    private let log: RunLog
    private let hosts: ReplicaHosts
    private let prepared: Mutex<Set<Int>>
    private let cluster = Mutex<Supervisor?>(nil)

    init(values: PlaceholderValues, target: TargetDefinition, log: RunLog, hosts: ReplicaHosts) {
        precondition(hosts.namespaces.count == values.layout.replicaCount, "a host per replica")
        self.values = values
        self.target = target
        self.log = log
        self.hosts = hosts
        self.prepared = Mutex([])
    }

    /// The child id of replica `replica`.
    static func childID(_ replica: Int) -> String { "replica-\(replica)" }

    /// The replica index of a child path under the cluster supervisor, or nil.
    static func replicaIndex(of path: ChildPath) -> Int? {
        guard path.components.count >= 2,
            path.components[path.components.count - 2] == supervisorID,
            let last = path.components.last, last.hasPrefix("replica-")
        else { return nil }
        return Int(last.dropFirst("replica-".count))
    }

    /// The log file of a replica.
    func logPath(_ replica: Int) -> String {
        "\(values.outputDirectory)/replica-\(replica).log"
    }

    /// The cluster supervisor's spec: one temporary, brutally stopped process child per replica.
    func supervisorSpec() -> SupervisorSpec {
        let children = (0..<values.layout.replicaCount).map { replica in
            ChildSpec.process(
                Self.childID(replica),
                restart: .temporary,
                shutdown: .brutalKill
            ) { [self] _ in
                try await command(replica: replica)
            }
        }
        return SupervisorSpec(name: Self.supervisorID, children: children)
    }

    /// Hands over the running cluster supervisor (after the root started it).
    func attach(_ supervisor: Supervisor) {
        cluster.withLock { $0 = supervisor }
    }

    private func supervisor() throws -> Supervisor {
        guard let supervisor = cluster.withLock({ $0 }) else {
            throw RunError("the cluster is not running")
        }
        return supervisor
    }

    private func command(replica: Int) async throws -> Command {
        let needsPreparation = prepared.withLock { !$0.contains(replica) }
        if needsPreparation {
            try prepareDataDirectory(replica)
            if let prepare = target.prepare {
                try await run(prepare, replica: replica)
            }
            prepared.withLock { _ = $0.insert(replica) }
        }
        let argv = values.replicaCommand(target.start, replica: replica)
        log.log(.info, "supervisor", "\(replica): starting replica: \(argv.joined(separator: " "))")
        return processCommand(argv, replica: replica)
    }

    private func processCommand(_ argv: [String], replica: Int) -> Command {
        var command = Command(argv[0], arguments: Array(argv.dropFirst()))
        command.standardInput = .null
        command.standardOutput = .file(logPath(replica), append: true)
        command.standardError = .file(logPath(replica), append: true)
        command.processGroup = .newGroup
        command.deathSignal = .kill
        command.networkNamespaceDescriptor = hosts.namespaces[replica].descriptor
        return command
    }

    private func prepareDataDirectory(_ replica: Int) throws {
        let directory = values.dataDirectory(replica: replica)
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true
        )
    }

    private func run(_ template: CommandTemplate, replica: Int) async throws {
        let argv = values.replicaCommand(template, replica: replica)
        log.log(
            .info,
            "supervisor",
            "\(replica): preparing replica: \(argv.joined(separator: " "))"
        )
        let child = try processCommand(argv, replica: replica).spawn()
        let termination = await child.wait()
        guard termination == .exited(0) else {
            throw RunError(
                "replica \(replica): prepare command ended with \(termination); see "
                    + logPath(replica)
            )
        }
    }

    func terminate(replica: Int) async throws {
        log.log(.info, "supervisor", "\(replica): terminating replica")
        try await supervisor().terminateChild(Self.childID(replica), shutdown: .brutalKill)
    }

    func restart(replica: Int) async throws {
        try await supervisor().restartChild(Self.childID(replica))
    }

    func pause(replica: Int) async throws {
        log.log(.info, "supervisor", "\(replica): pausing replica")
        try await supervisor().process(of: Self.childID(replica)).suspend()
    }

    func resume(replica: Int) async throws {
        log.log(.info, "supervisor", "\(replica): unpausing replica")
        try await supervisor().process(of: Self.childID(replica)).resume()
    }
}
