// Initialization versus run-time failure: a child that fails before it is ready is never
// restarted, stops the supervisor and propagates with its full path; a shutdown requested while
// a child is still initializing completes promptly (no timeout needed); a readiness timeout on
// the injected clock counts as an initialization failure. For tasks, processes and nesting.

import ProcessControl
import Supervision
import Testing

@Suite(.timeLimit(.minutes(1)))
struct InitializationTests {
    @Test func aTaskFailingBeforeReadyIsNeverRestartedAndNamesTheChild() async throws {
        let gate = Gate()
        let root = Supervisor(
            SupervisorSpec(
                name: "root",
                intensity: 10,
                children: [
                    gate.child("a"),
                    .task("b", readiness: .explicit) { _ in throw Crash(id: "b") },
                    gate.child("c"),
                ]
            )
        )
        let log = EventLog(root)
        let error = try #require(await start(root).value.failure)
        #expect(error.code == .initializationFailed)
        #expect(error.path.description == "root/b")
        #expect(error.reason == .failed("crash of b"))
        #expect(log.starts(of: "root/b") == 1)
        #expect(log.starts(of: "root/c") == 0)
        #expect(
            log.events(of: "root/b").contains(
                .exited(.failed("crash of b"), duringInitialization: true)
            )
        )
        #expect(log.exits(of: "root/a") == [.shutdown])
    }

    @Test func aProcessEndingBeforeItsReadinessCheckPassesIsAnInitializationFailure() async throws {
        let neverReady = ChildSpec.process(
            "b",
            command: Command("/bin/sh", arguments: ["-c", "exit 3"]),
            readiness: .check { _, _ in try await Task.sleep(for: .seconds(3600)) }
        )
        let root = Supervisor(
            SupervisorSpec(name: "root", intensity: 10, children: [sleeper("a"), neverReady])
        )
        let log = EventLog(root)
        let error = try #require(await start(root).value.failure)
        #expect(error.code == .initializationFailed)
        #expect(error.path.description == "root/b")
        #expect(error.reason == .exited(3))
        #expect(log.starts(of: "root/b") == 1)
        #expect(log.exits(of: "root/a") == [.shutdown])
    }

    @Test func aProcessThatCannotBeSpawnedIsAnInitializationFailure() async throws {
        let missing = ChildSpec.process("b", command: Command("/no/such/executable"))
        let root = Supervisor(SupervisorSpec(name: "root", children: [missing]))
        let error = try #require(await start(root).value.failure)
        #expect(error.code == .initializationFailed)
        guard case .startFailed(let message) = error.reason else {
            Issue.record("expected startFailed, got \(String(describing: error.reason))")
            return
        }
        #expect(message.contains("/no/such/executable"))
    }

    @Test func aFailedReadinessCheckKillsTheProcessAndFailsInitialization() async throws {
        struct PortClosed: Error {}
        let checked = ChildSpec.process(
            "replica",
            command: Command("/bin/sleep", arguments: ["1000"]),
            readiness: .check { _, _ in throw PortClosed() }
        )
        let root = Supervisor(SupervisorSpec(name: "root", children: [checked]))
        let log = EventLog(root)
        let error = try #require(await start(root).value.failure)
        #expect(error.code == .initializationFailed)
        guard case .started(let processID?) = log.events(of: "root/replica").first else {
            Issue.record("no started event with a pid")
            return
        }
        #expect(!processExists(processID))
    }

    @Test func anInitializationFailurePropagatesWithTheNestedPath() async throws {
        let cluster = SupervisorSpec(
            name: "cluster",
            children: [
                sleeper("replica-0"),
                .process(
                    "replica-1",
                    command: Command("/bin/sh", arguments: ["-c", "exit 7"]),
                    readiness: .check { _, _ in try await Task.sleep(for: .seconds(3600)) }
                ),
                sleeper("replica-2"),
            ]
        )
        let gate = Gate()
        let root = Supervisor(
            SupervisorSpec(
                name: "root",
                intensity: 10,
                children: [
                    gate.child("trace"), .supervisor("cluster", cluster), gate.child("load"),
                ]
            )
        )
        let log = EventLog(root)
        let error = try #require(await start(root).value.failure)
        #expect(error.code == .initializationFailed)
        #expect(error.path.description == "root/cluster/replica-1")
        #expect(error.reason == .exited(7))
        #expect(log.starts(of: "root/cluster") == 1)
        #expect(log.starts(of: "root/cluster/replica-1") == 1)
        #expect(log.starts(of: "root/cluster/replica-2") == 0)
        #expect(log.starts(of: "root/load") == 0)
        #expect(log.exits(of: "root/trace") == [.shutdown])
        #expect(log.exits(of: "root/cluster/replica-0") == [.shutdown])
    }

    @Test(arguments: Flavor.allCases)
    func shutdownDuringASlowInitializationCompletesPromptly(flavor: Flavor) async throws {
        // `.infinity` shutdown: only cancellation / SIGTERM can end the child, no timeout.
        let slow: ChildSpec
        switch flavor {
        case .task:
            slow = .task("slow", shutdown: .infinity, readiness: .explicit) { context in
                try await Task.sleep(for: .seconds(3600))
                context.reportReady()
            }
        case .process:
            slow = .process(
                "slow",
                command: Command("/bin/sleep", arguments: ["1000"]),
                shutdown: .infinity,
                readiness: .check { _, _ in try await Task.sleep(for: .seconds(3600)) }
            )
        }
        let gate = Gate()
        let root = Supervisor(SupervisorSpec(name: "root", children: [gate.child("a"), slow]))
        let log = EventLog(root)
        let run = start(root)
        try await log.waitUntil("slow started") { $0.starts(of: "root/slow") == 1 }
        root.shutdown()
        #expect(await run.value.failure == nil)
        #expect(log.exits(of: "root/slow") == [.shutdown])
        #expect(
            log.events(of: "root/slow").contains(.exited(.shutdown, duringInitialization: true))
        )
        #expect(log.readies(of: "root/slow") == 0)
        await #expect(throws: SupervisorError.self) { try await root.waitUntilReady() }
    }

    @Test func shutdownDuringASlowPreparationStepCompletesPromptlyAndSpawnsNothing() async throws {
        let slowFormat = ChildSpec.process("replica", shutdown: .infinity) { _ in
            try await Task.sleep(for: .seconds(3600))  // e.g. formatting a data directory
            return Command("/bin/sleep", arguments: ["1000"])
        }
        let root = Supervisor(SupervisorSpec(name: "root", children: [slowFormat]))
        let log = EventLog(root)
        let run = start(root)
        try await Task.sleep(for: .milliseconds(20))  // well into the preparation step
        root.shutdown()
        #expect(await run.value.failure == nil)
        #expect(log.exits(of: "root/replica") == [.shutdown])
        #expect(log.starts(of: "root/replica") == 0)
    }

    @Test func aReadinessTimeoutOnTheInjectedClockIsAnInitializationFailure() async throws {
        let clock = ManualClock()
        let root = Supervisor(
            SupervisorSpec(
                name: "root",
                children: [
                    .task("late", readiness: .explicit, readinessTimeout: .seconds(2)) { _ in
                        try await Task.sleep(for: .seconds(3600))
                    }
                ]
            ),
            clock: clock
        )
        let log = EventLog(root)
        let run = start(root)
        try await log.waitUntil("late started") { $0.starts(of: "root/late") == 1 }
        clock.advance(by: .seconds(1))
        #expect(log.exits(of: "root/late").isEmpty)
        clock.advance(by: .seconds(1))
        let error = try #require(await run.value.failure)
        #expect(error.code == .initializationFailed)
        #expect(error.reason == .readinessTimedOut(.seconds(2)))
        #expect(log.exits(of: "root/late") == [.readinessTimedOut(.seconds(2))])
    }

    @Test func childrenStartInOrderEachReadyBeforeTheNext() async throws {
        let gate = Gate()
        let readyLater: @Sendable (String) -> ChildSpec = { id in
            .task(id, readiness: .explicit) { context in
                try await Task.sleep(for: .milliseconds(20))
                context.reportReady()
                try await gate.park(id)
            }
        }
        let root = Supervisor(
            SupervisorSpec(
                name: "root",
                children: [readyLater("a"), sleeper("b"), readyLater("c"), sleeper("d")]
            )
        )
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        let sequence = log.events.map { "\($0.path) \($0.kind)" }
        for (earlier, later) in [("a", "b"), ("b", "c"), ("c", "d")] {
            let ready = try #require(sequence.firstIndex(of: "root/\(earlier) ready"))
            let started = try #require(
                sequence.firstIndex { $0.hasPrefix("root/\(later) started") }
            )
            #expect(ready < started)
        }
        root.shutdown()
        #expect(await run.value.failure == nil)
    }
}
