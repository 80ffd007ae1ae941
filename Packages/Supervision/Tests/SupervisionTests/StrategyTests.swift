// The restart strategies and restart intensity, for task children and for OS-process children:
// the saluki supervisor's own behaviours (one-for-one restarts only the failed child, one-for-all
// restarts all, rest-for-one restarts the failed child and those after it, the restart limit
// shuts the supervisor down with an error, no children is an error), done for both kinds.

import Glibc
import ProcessControl
import Supervision
import Testing

/// The two kinds of worker child the strategy tests run.
enum Flavor: String, CaseIterable, Sendable, CustomStringConvertible {
    case task
    case process

    var description: String { rawValue }
}

/// Children of one flavor, and how to make one of them fail.
struct Workers {
    let flavor: Flavor
    let gate = Gate()

    func spec(_ id: String, restart: RestartType = .permanent) -> ChildSpec {
        switch flavor {
        case .task: return gate.child(id, restart: restart)
        case .process: return sleeper(id, restart: restart)
        }
    }

    /// Makes the child fail: a task throws, a process gets an external SIGKILL.
    func crash(_ id: String, in supervisor: Supervisor) async throws {
        switch flavor {
        case .task:
            gate.crash(id)
        case .process:
            let processID = try await pid(supervisor, id)
            #expect(Glibc.kill(processID, SIGKILL) == 0)
        }
    }

    /// The exit reason `crash` produces.
    func crashReason(_ id: String) -> ExitReason {
        switch flavor {
        case .task: return .failed("crash of \(id)")
        case .process: return .signaled(.kill)
        }
    }
}

@Suite(.timeLimit(.minutes(1)))
struct StrategyTests {
    private func supervisor(
        _ strategy: RestartStrategy,
        _ workers: Workers,
        intensity: Int = 5
    ) -> Supervisor {
        Supervisor(
            SupervisorSpec(
                name: "root",
                strategy: strategy,
                intensity: intensity,
                children: ["a", "b", "c"].map { workers.spec($0) }
            )
        )
    }

    @Test(arguments: Flavor.allCases)
    func oneForOneRestartsOnlyTheFailedChild(flavor: Flavor) async throws {
        let workers = Workers(flavor: flavor)
        let root = supervisor(.oneForOne, workers)
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        try await workers.crash("b", in: root)
        try await log.waitUntil("b ready again") { $0.readies(of: "root/b") == 2 }
        #expect(log.starts(of: "root/a") == 1)
        #expect(log.starts(of: "root/b") == 2)
        #expect(log.starts(of: "root/c") == 1)
        #expect(log.exits(of: "root/b") == [workers.crashReason("b")])
        #expect(log.exits(of: "root/a").isEmpty)
        root.shutdown()
        #expect(await run.value.failure == nil)
    }

    @Test(arguments: Flavor.allCases)
    func oneForAllRestartsAllChildren(flavor: Flavor) async throws {
        let workers = Workers(flavor: flavor)
        let root = supervisor(.oneForAll, workers)
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        try await workers.crash("b", in: root)
        try await log.waitUntil("all ready again") { log in
            ["a", "b", "c"].allSatisfy { log.readies(of: "root/\($0)") == 2 }
        }
        #expect(log.exits(of: "root/a") == [.shutdown])
        #expect(log.exits(of: "root/b") == [workers.crashReason("b")])
        #expect(log.exits(of: "root/c") == [.shutdown])
        // The siblings stop in reverse start order, then all start again in order.
        #expect(log.exitOrder == ["root/b", "root/c", "root/a"])
        root.shutdown()
        #expect(await run.value.failure == nil)
    }

    @Test(arguments: Flavor.allCases)
    func restForOneRestartsTheFailedChildAndThoseAfterIt(flavor: Flavor) async throws {
        let workers = Workers(flavor: flavor)
        let root = supervisor(.restForOne, workers)
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        try await workers.crash("b", in: root)
        try await log.waitUntil("b and c ready again") { log in
            log.readies(of: "root/b") == 2 && log.readies(of: "root/c") == 2
        }
        #expect(log.starts(of: "root/a") == 1)
        #expect(log.exits(of: "root/a").isEmpty)
        #expect(log.exits(of: "root/c") == [.shutdown])
        root.shutdown()
        #expect(await run.value.failure == nil)
    }

    @Test func restartLimitShutsTheSupervisorDownWithAnErrorForTasks() async throws {
        let clock = ManualClock()
        let workers = Workers(flavor: .task)
        let root = Supervisor(
            SupervisorSpec(
                name: "root",
                intensity: 2,
                period: .seconds(5),
                children: ["a", "b"].map { workers.spec($0) }
            ),
            clock: clock
        )
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        // Two restarts per 5 s are allowed; spread out, any number is fine.
        for round in 1...3 {
            workers.gate.crash("b")
            try await log.waitUntil("restart \(round)") { $0.readies(of: "root/b") == round + 1 }
            clock.advance(by: .seconds(3))
        }
        // Once the window is clear, two failures at one instant are allowed; a third exceeds.
        clock.advance(by: .seconds(5))
        for round in 4...5 {
            workers.gate.crash("b")
            try await log.waitUntil("restart \(round)") { $0.readies(of: "root/b") == round + 1 }
        }
        workers.gate.crash("b")
        let error = try #require(await run.value.failure)
        #expect(error.code == .intensityExceeded)
        #expect(error.path.description == "root")
        #expect(
            log.events(of: "root").contains(.intensityExceeded(restarts: 3, period: .seconds(5)))
        )
        #expect(log.exits(of: "root/a") == [.shutdown])
    }

    @Test func restartLimitShutsTheSupervisorDownWithAnErrorForProcesses() async throws {
        let crashing = Command("/bin/sh", arguments: ["-c", "exit 3"])
        let root = Supervisor(
            SupervisorSpec(
                name: "root",
                intensity: 3,
                period: .seconds(60),
                children: [sleeper("a"), .process("crashing", command: crashing)]
            )
        )
        let log = EventLog(root)
        let error = try #require(await start(root).value.failure)
        #expect(error.code == .intensityExceeded)
        #expect(log.starts(of: "root/crashing") == 4)
        #expect(log.exits(of: "root/crashing").allSatisfy { $0 == .exited(3) })
        #expect(log.exits(of: "root/a") == [.shutdown])
    }

    @Test(arguments: Flavor.allCases)
    func aNestedSupervisorOverItsIntensityEscalatesToItsParent(flavor: Flavor) async throws {
        let workers = Workers(flavor: flavor)
        let group = SupervisorSpec(
            name: "group",
            intensity: 0,
            children: [workers.spec("member")]
        )
        // A period far longer than any test: a loaded machine must not let the first restart
        // age out of the window before the second crash.
        let root = Supervisor(
            SupervisorSpec(
                name: "root",
                intensity: 1,
                period: .seconds(3600),
                children: [workers.spec("sibling"), .supervisor("group", group)]
            )
        )
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        // Intensity 0: the group's first failure exceeds it; the root restarts the group.
        try await workers.crash("member", in: try await root.supervisor(at: ["group"]))
        try await log.waitUntil("group restarted") { $0.readies(of: "root/group") == 2 }
        let groupExit = try #require(log.exits(of: "root/group").first)
        guard case .supervisorFailed(let error) = groupExit else {
            Issue.record("expected supervisorFailed, got \(groupExit)")
            return
        }
        #expect(error.code == .intensityExceeded)
        #expect(error.path.description == "root/group")
        #expect(log.starts(of: "root/group/member") == 2)
        #expect(log.starts(of: "root/sibling") == 1)
        // Once more within the root's period: now the root gives up too.
        try await workers.crash("member", in: try await root.supervisor(at: ["group"]))
        let rootError = try #require(await run.value.failure)
        #expect(rootError.code == .intensityExceeded)
        #expect(rootError.path.description == "root")
        #expect(log.exits(of: "root/sibling") == [.shutdown])
    }

    @Test func aSupervisorWithNoChildrenIsAnError() async throws {
        let root = Supervisor(SupervisorSpec(name: "root", children: []))
        let error = try #require(await start(root).value.failure)
        #expect(error.code == .noChildren)
        #expect(error.path.description == "root")
        await #expect(throws: SupervisorError.self) { try await root.waitUntilReady() }
    }

    @Test func invalidSpecificationsAreRejectedBeforeAnythingStarts() async throws {
        let gate = Gate()
        let duplicate = Supervisor(
            SupervisorSpec(name: "root", children: [gate.child("a"), gate.child("a")])
        )
        #expect(await start(duplicate).value.failure?.code == .invalidSpecification)
        let significantPermanent = Supervisor(
            SupervisorSpec(
                name: "root",
                autoShutdown: .anySignificant,
                children: [gate.child("a", restart: .permanent, significant: true)]
            )
        )
        #expect(await start(significantPermanent).value.failure?.code == .invalidSpecification)
        let significantWithoutAutoShutdown = Supervisor(
            SupervisorSpec(
                name: "root",
                children: [gate.child("a", restart: .transient, significant: true)]
            )
        )
        let error = try #require(await start(significantWithoutAutoShutdown).value.failure)
        #expect(error.code == .invalidSpecification)
        #expect(error.path.description == "root/a")
    }
}
