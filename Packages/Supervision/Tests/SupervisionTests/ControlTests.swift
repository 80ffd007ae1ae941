// Run-time control as the harness uses it: reach the replica group, learn a replica's pid,
// suspend and resume it through ProcessControl, kill or stop it on purpose (reported as
// `.killed` / `.shutdown`) and start it again, notice an exit nobody asked for, restart a
// permanent process child after an external SIGKILL; plus start/terminate/restart/delete,
// which_children/count_children, dynamic children from a template, and the error cases.

import Glibc
import ProcessControl
import Supervision
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ControlTests {
    @Test func anOSProcessChildIsRestartedAfterAnExternalSIGKILL() async throws {
        let root = Supervisor(SupervisorSpec(name: "root", children: [sleeper("server")]))
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        let first = try await pid(root, "server")
        #expect(Glibc.kill(first, SIGKILL) == 0)
        try await log.waitUntil("server restarted") { $0.readies(of: "root/server") == 2 }
        let second = try await pid(root, "server")
        #expect(second != first)
        #expect(processExists(second))
        #expect(log.exits(of: "root/server") == [.signaled(.kill)])
        #expect(log.events(of: "root/server").contains(.started(processID: second)))
        let snapshot = try #require(try await root.whichChildren().first)
        #expect(snapshot.restartCount == 1)
        #expect(snapshot.processID == second)
        root.shutdown()
        #expect(await run.value.failure == nil)
        #expect(!processExists(second))
    }

    @Test func theHarnessControlsTemporaryReplicasInANestedGroup() async throws {
        let replicas = (0..<3).map { sleeper("replica-\($0)", restart: .temporary) }
        let gate = Gate()
        let root = Supervisor(
            SupervisorSpec(
                name: "root",
                children: [
                    gate.child("trace"),
                    .supervisor("cluster", SupervisorSpec(name: "cluster", children: replicas)),
                    gate.child("workload"),
                ]
            )
        )
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        let cluster = try await root.supervisor(at: ["cluster"])

        // Pause and continue a replica through ProcessControl.
        let replica0 = try await cluster.process(of: "replica-0")
        try replica0.suspend()
        #expect(replica0.state == .stopped)
        try replica0.resume()
        #expect(replica0.state == .running)

        // Kill one on purpose: reported as killed, not restarted, then started again.
        let killedPID = try await pid(cluster, "replica-1")
        #expect(try await cluster.terminateChild("replica-1", shutdown: .brutalKill) == .killed)
        #expect(!processExists(killedPID))
        try await cluster.restartChild("replica-1")
        let restartedPID = try await pid(cluster, "replica-1")
        #expect(restartedPID != killedPID)

        // An exit nobody asked for shows up on the event stream; temporary: no restart.
        let victim = try await pid(cluster, "replica-2")
        #expect(Glibc.kill(victim, SIGKILL) == 0)
        try await log.waitUntil("replica-2 exit") {
            !$0.exits(of: "root/cluster/replica-2").isEmpty
        }
        #expect(log.exits(of: "root/cluster/replica-2") == [.signaled(.kill)])
        let states = try await cluster.whichChildren().map(\.state)
        #expect(states == [.running, .running, .terminated(.signaled(.kill))])
        #expect(
            try await cluster.countChildren()
                == ChildCounts(specs: 3, active: 2, supervisors: 0, workers: 3)
        )
        #expect(
            try await root.countChildren()
                == ChildCounts(specs: 3, active: 3, supervisors: 1, workers: 2)
        )

        root.shutdown()
        #expect(await run.value.failure == nil)
        #expect(!processExists(restartedPID))
        #expect(!processExists(replica0.pid))
    }

    @Test func childrenCanBeStartedTerminatedRestartedAndDeletedAtRunTime() async throws {
        let gate = Gate()
        let root = Supervisor(SupervisorSpec(name: "root", children: [gate.child("a")]))
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        let path = try await root.startChild(sleeper("b"))
        #expect(path.description == "root/b")
        #expect(try await root.whichChildren().map(\.id) == ["a", "b"])
        #expect(try await root.terminateChild("b") == .shutdown)
        #expect(try await root.terminateChild("b") == nil)
        // A permanent child stopped on request is not restarted.
        try await Task.sleep(for: .milliseconds(10))
        #expect(log.starts(of: "root/b") == 1)
        try await root.restartChild("b")
        #expect(log.starts(of: "root/b") == 2)
        await #expect(throws: SupervisorError.self) { try await root.deleteChild("b") }
        await #expect(throws: SupervisorError.self) { try await root.restartChild("b") }
        await #expect(throws: SupervisorError.self) { try await root.startChild(gate.child("a")) }
        await #expect(throws: SupervisorError.self) { try await root.startChild(arguments: []) }
        do {
            try await root.terminateChild("nobody")
            Issue.record("terminating an unknown child succeeded")
        } catch {
            #expect(error.code == .childNotFound)
            #expect(error.path.description == "root/nobody")
        }
        try await root.terminateChild("b")
        try await root.deleteChild("b")
        #expect(try await root.whichChildren().map(\.id) == ["a"])
        // A child started at run time that fails before ready fails the call, not the tree.
        let broken = ChildSpec.process("broken", command: Command("/no/such/executable"))
        do {
            try await root.startChild(broken)
            Issue.record("starting a broken child succeeded")
        } catch {
            #expect(error.code == .initializationFailed)
            #expect(error.path.description == "root/broken")
        }
        #expect(try await root.countChildren().active == 1)
        root.shutdown()
        #expect(await run.value.failure == nil)
        do {
            _ = try await root.whichChildren()
            Issue.record("a stopped supervisor answered")
        } catch {
            #expect(error.code == .notRunning)
        }
    }

    @Test func dynamicChildrenAreMadeFromTheTemplate() async throws {
        let template = ChildTemplate(idPrefix: "worker") { id, arguments in
            .process(id, command: Command("/bin/sleep", arguments: arguments), restart: .transient)
        }
        let pool = Supervisor(
            SupervisorSpec(name: "pool", strategy: .dynamic(template), intensity: 5, children: [])
        )
        let log = EventLog(pool)
        let run = start(pool)
        try await pool.waitUntilReady()
        let first = try await pool.startChild(arguments: ["1000"])
        let second = try await pool.startChild(arguments: ["1000"])
        let named = try await pool.startChild(arguments: ["1000"], id: "special")
        #expect(
            [first, second, named].map(\.description) == [
                "pool/worker-1", "pool/worker-2", "pool/special",
            ]
        )
        // One-for-one among dynamic children.
        let victim = try await pid(pool, "worker-2")
        #expect(Glibc.kill(victim, SIGKILL) == 0)
        try await log.waitUntil("worker-2 restarted") { $0.readies(of: "pool/worker-2") == 2 }
        #expect(log.starts(of: "pool/worker-1") == 1)
        #expect(log.starts(of: "pool/special") == 1)
        pool.shutdown()
        #expect(await run.value.failure == nil)
        #expect(log.exitOrder.suffix(3) == ["pool/special", "pool/worker-2", "pool/worker-1"])
    }
}
