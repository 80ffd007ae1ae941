// Shutdown: nested supervisors stop cleanly, everything stops in reverse start order as seen on
// the event stream, cancelling the task that runs the supervisor cannot skip the orderly stop,
// and no process outlives its supervisor. The signal tests send SIGTERM to this very process,
// so they run serialized and only while a supervisor is catching it.

import Glibc
import ProcessControl
import Supervision
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ShutdownTests {
    /// root: trace (task), cluster (nested: replica-0, replica-1 processes), load (task).
    private func tree(_ gate: Gate) -> Supervisor {
        let cluster = SupervisorSpec(
            name: "cluster",
            children: [
                sleeper("replica-0", restart: .temporary),
                sleeper("replica-1", restart: .temporary),
            ]
        )
        return Supervisor(
            SupervisorSpec(
                name: "root",
                children: [
                    gate.child("trace"), .supervisor("cluster", cluster), gate.child("load"),
                ]
            )
        )
    }

    @Test func nestedSupervisorsShutDownCleanlyInReverseOrder() async throws {
        let gate = Gate()
        let root = tree(gate)
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        let cluster = try await root.supervisor(at: ["cluster"])
        let processIDs = [
            try await pid(cluster, "replica-0"),
            try await pid(cluster, "replica-1"),
        ]
        #expect(processIDs.allSatisfy(processExists))
        root.shutdown()
        #expect(await run.value.failure == nil)
        #expect(
            log.exitOrder == [
                "root/load", "root/cluster/replica-1", "root/cluster/replica-0", "root/cluster",
                "root/trace",
            ]
        )
        #expect(log.exits(of: "root/cluster") == [.shutdown])
        #expect(log.exits(of: "root/cluster/replica-0") == [.shutdown])
        let clusterEvents = log.events(of: "root/cluster")
        #expect(clusterEvents.contains(.shutdownBegan(.requested)))
        #expect(clusterEvents.contains(.shutdownCompleted(nil)))
        #expect(log.events(of: "root").last == .shutdownCompleted(nil))
        #expect(!processIDs.contains(where: processExists))
        // One stream for the whole tree, in timestamp order across its supervisors.
        let timestamps = log.events.map(\.timestamp)
        #expect(timestamps == timestamps.sorted())
    }

    @Test func shutdownOrderIsTheReverseOfStartOrderOnTheEventStream() async throws {
        let gate = Gate()
        let ids = ["a", "b", "c", "d", "e", "f"]
        let children = ids.enumerated().map { index, id in
            index.isMultiple(of: 2) ? gate.child(id) : sleeper(id)
        }
        let root = Supervisor(SupervisorSpec(name: "root", children: children))
        let log = EventLog(root)
        let stream = root.events()
        let run = start(root)
        try await root.waitUntilReady()
        root.shutdown()
        #expect(await run.value.failure == nil)
        // The async sequence delivers exactly what the synchronous handler saw, then ends.
        var streamed: [SupervisorEvent] = []
        for await event in stream { streamed.append(event) }
        #expect(streamed == log.events)
        let started = log.events.compactMap { event -> String? in
            if case .started = event.kind { return event.path.id } else { return nil }
        }
        #expect(started == ids)
        #expect(log.exitOrder == ids.reversed().map { "root/\($0)" })
        let rootEvents = log.events.filter { $0.path.description == "root" }.map(\.kind)
        #expect(rootEvents == [.ready, .shutdownBegan(.requested), .shutdownCompleted(nil)])
        let timestamps = log.events.map(\.timestamp)
        #expect(timestamps == timestamps.sorted())
    }

    @Test func cancellingTheRunningTaskCannotSkipTheOrderlyShutdown() async throws {
        let gate = Gate()
        let root = tree(gate)
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        let cluster = try await root.supervisor(at: ["cluster"])
        let replica = try await pid(cluster, "replica-1")
        run.cancel()
        #expect(await run.value.failure == nil)
        #expect(!processExists(replica))
        #expect(log.exits(of: "root/cluster/replica-1") == [.shutdown])
        #expect(log.exits(of: "root/trace") == [.shutdown])
    }

    @Test func aShutdownTimeoutEndsInSIGKILLForAProcessThatIgnoresSIGTERM() async throws {
        let stubborn = ChildSpec.process(
            "stubborn",
            command: Command(
                "/bin/sh",
                arguments: ["-c", "trap '' TERM; while :; do sleep 1; done"]
            ),
            shutdown: .timeout(.milliseconds(200)),
            readiness: .check { _, _ in try await Task.sleep(for: .milliseconds(50)) }
        )
        let root = Supervisor(SupervisorSpec(name: "root", children: [stubborn]))
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        root.shutdown()
        #expect(await run.value.failure == nil)
        #expect(log.exits(of: "root/stubborn") == [.killed])
    }

    @Test func aTaskThatIgnoresCancellationIsAbandonedAfterItsTimeout() async throws {
        let clock = ManualClock()
        let gate = Gate()
        let stubborn = ChildSpec.task("stubborn", shutdown: .timeout(.seconds(5))) { _ in
            // Waits in a task that cancellation does not reach, like a blocking call.
            await Task.detached { try? await gate.park("stubborn") }.value
        }
        let root = Supervisor(SupervisorSpec(name: "root", children: [stubborn]), clock: clock)
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        root.shutdown()
        try await log.waitUntil("shutdown began") {
            $0.events(of: "root").contains(.shutdownBegan(.requested))
        }
        #expect(log.exits(of: "root/stubborn").isEmpty)
        clock.advance(by: .seconds(5))
        #expect(await run.value.failure == nil)
        #expect(log.exits(of: "root/stubborn") == [.killed])
        gate.finish("stubborn")
    }
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct TerminationSignalTests {
    @Test func theFirstSIGTERMShutsDownGracefullyAndTheSecondBrutally() async throws {
        let gate = Gate()
        let stubborn = ChildSpec.process(
            "stubborn",
            command: Command(
                "/bin/sh",
                arguments: ["-c", "trap '' TERM; while :; do sleep 1; done"]
            ),
            shutdown: .timeout(.seconds(3600)),
            readiness: .check { _, _ in try await Task.sleep(for: .milliseconds(50)) }
        )
        let root = Supervisor(SupervisorSpec(name: "root", children: [gate.child("a"), stubborn]))
        let log = EventLog(root)
        let run = start(root, handlingTerminationSignals: true)
        try await root.waitUntilReady()
        #expect(Glibc.kill(getpid(), SIGTERM) == 0)
        try await log.waitUntil("graceful shutdown began") {
            $0.events(of: "root").contains(.shutdownBegan(.signal(.terminate)))
        }
        #expect(log.exits(of: "root/stubborn").isEmpty)
        #expect(Glibc.kill(getpid(), SIGTERM) == 0)
        #expect(await run.value.failure == nil)
        #expect(log.exits(of: "root/stubborn") == [.killed])
        #expect(log.exits(of: "root/a") == [.killed])
    }
}
