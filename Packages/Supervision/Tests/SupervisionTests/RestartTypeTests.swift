// Restart types (transient, temporary), significant children under each auto-shutdown mode,
// and the exponential backoff sequence with jitter and reset-after. Backoff runs on a
// ManualClock: a restart happens only when the test advances the clock, never on wall time.

import ProcessControl
import Supervision
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RestartTypeTests {
    @Test func aTransientChildRestartsOnlyAfterAnAbnormalEnd() async throws {
        let gate = Gate()
        let oneShot = ChildSpec.process(
            "migrate",
            command: Command("/bin/sh", arguments: ["-c", "exit 0"]),
            restart: .transient
        )
        let root = Supervisor(
            SupervisorSpec(
                name: "root",
                intensity: 5,
                children: [oneShot, gate.child("worker", restart: .transient)]
            )
        )
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        try await log.waitUntil("migrate ended") { $0.exits(of: "root/migrate") == [.normal] }
        gate.crash("worker")
        try await log.waitUntil("worker restarted") { $0.readies(of: "root/worker") == 2 }
        gate.finish("worker")
        try await log.waitUntil("worker ended") { $0.exits(of: "root/worker").count == 2 }
        let children = try await root.whichChildren()
        #expect(children.map(\.state) == [.terminated(.normal), .terminated(.normal)])
        #expect(log.starts(of: "root/migrate") == 1)
        #expect(log.starts(of: "root/worker") == 2)
        root.shutdown()
        #expect(await run.value.failure == nil)
    }

    @Test(arguments: Flavor.allCases)
    func aTemporaryChildIsNeverRestartedNotEvenByAGroupRestart(flavor: Flavor) async throws {
        let workers = Workers(flavor: flavor)
        let root = Supervisor(
            SupervisorSpec(
                name: "root",
                strategy: .oneForAll,
                intensity: 5,
                children: [
                    workers.spec("a"),
                    workers.spec("replica", restart: .temporary),
                    workers.spec("c"),
                ]
            )
        )
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        // Its own failure restarts nothing (not even the group).
        try await workers.crash("replica", in: root)
        try await log.waitUntil("replica ended") { $0.exits(of: "root/replica").count == 1 }
        #expect(log.exits(of: "root/a").isEmpty)
        #expect(
            !log.events(of: "root/replica").contains {
                if case .restartScheduled = $0 { true } else { false }
            }
        )
        try await root.restartChild("replica")
        // A sibling's failure stops it with the group, and it stays stopped.
        try await workers.crash("c", in: root)
        try await log.waitUntil("group restarted") { $0.readies(of: "root/c") == 2 }
        #expect(log.exits(of: "root/replica") == [workers.crashReason("replica"), .shutdown])
        #expect(log.starts(of: "root/replica") == 2)
        #expect(log.readies(of: "root/a") == 2)
        let replica = try #require(try await root.whichChildren().first { $0.id == "replica" })
        #expect(replica.state == .terminated(.shutdown))
        root.shutdown()
        #expect(await run.value.failure == nil)
    }

    @Test func anySignificantStopsTheSupervisorWhenOneSignificantChildEnds() async throws {
        let gate = Gate()
        let root = Supervisor(
            SupervisorSpec(
                name: "root",
                autoShutdown: .anySignificant,
                children: [
                    gate.child("server"),
                    gate.child("job", restart: .transient, significant: true),
                    gate.child("other", restart: .temporary, significant: true),
                ]
            )
        )
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        // An abnormal end of a transient significant child is restarted, so nothing stops.
        gate.crash("job")
        try await log.waitUntil("job restarted") { $0.readies(of: "root/job") == 2 }
        gate.finish("job")
        #expect(await run.value.failure == nil)
        #expect(log.events(of: "root").contains(.shutdownBegan(.autoShutdown)))
        #expect(log.exits(of: "root/server") == [.shutdown])
        #expect(log.exits(of: "root/other") == [.shutdown])
    }

    @Test func allSignificantStopsTheSupervisorWhenAllSignificantChildrenEnded() async throws {
        let gate = Gate()
        let root = Supervisor(
            SupervisorSpec(
                name: "root",
                autoShutdown: .allSignificant,
                children: [
                    gate.child("server"),
                    gate.child("first", restart: .temporary, significant: true),
                    .process(
                        "second",
                        command: Command("/bin/sleep", arguments: ["1000"]),
                        restart: .temporary,
                        significant: true
                    ),
                ]
            )
        )
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        gate.finish("first")
        try await log.waitUntil("first ended") { $0.exits(of: "root/first") == [.normal] }
        #expect(try await root.countChildren().active == 2)
        try await root.process(of: "second").signal(.terminate)
        #expect(await run.value.failure == nil)
        #expect(log.exits(of: "root/second") == [.signaled(.terminate)])
        #expect(log.events(of: "root").contains(.shutdownBegan(.autoShutdown)))
        #expect(log.exits(of: "root/server") == [.shutdown])
    }

    @Test func neverIgnoresEndedChildrenAndForbidsSignificantOnes() async throws {
        let gate = Gate()
        let root = Supervisor(
            SupervisorSpec(
                name: "root",
                children: [gate.child("server"), gate.child("job", restart: .temporary)]
            )
        )
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        gate.finish("job")
        try await log.waitUntil("job ended") { $0.exits(of: "root/job") == [.normal] }
        try await root.terminateChild("server")
        try await root.restartChild("server")
        #expect(try await root.countChildren().active == 1)
        #expect(!log.events.contains { $0.kind == .shutdownBegan(.autoShutdown) })
        root.shutdown()
        #expect(await run.value.failure == nil)
        let forbidden = Supervisor(
            SupervisorSpec(
                name: "root",
                autoShutdown: .never,
                children: [gate.child("job", restart: .temporary, significant: true)]
            )
        )
        #expect(await start(forbidden).value.failure?.code == .invalidSpecification)
    }

    /// Crashes `id` `count` times, advancing the clock by each scheduled delay; returns them.
    private func crashRepeatedly(
        _ id: String,
        count: Int,
        gate: Gate,
        clock: ManualClock,
        log: EventLog
    ) async throws -> [Duration] {
        var delays: [Duration] = []
        for _ in 0..<count {
            let readies = log.readies(of: "root/\(id)")
            gate.crash(id)
            try await log.waitUntil("restart scheduled") { log in
                log.events(of: "root/\(id)").filter {
                    if case .restartScheduled = $0 { true } else { false }
                }.count == readies
            }
            guard case .restartScheduled(let delay, _) = log.events(of: "root/\(id)").last else {
                throw TimedOut(what: "a restartScheduled event")
            }
            delays.append(delay)
            // Nothing restarts until the clock moves.
            try await Task.sleep(for: .milliseconds(5))
            #expect(log.readies(of: "root/\(id)") == readies)
            clock.advance(by: delay)
            try await log.waitUntil("restarted") { $0.readies(of: "root/\(id)") == readies + 1 }
        }
        return delays
    }

    @Test func backoffGrowsExponentiallyUpToTheMaximumAndResetsAfterAStableRun() async throws {
        let clock = ManualClock()
        let gate = Gate()
        let backoff = Backoff(
            initialDelay: .milliseconds(100),
            maximumDelay: .seconds(1),
            multiplier: 2,
            resetAfter: .seconds(30)
        )
        let root = Supervisor(
            SupervisorSpec(
                name: "root",
                intensity: 100,
                backoff: backoff,
                children: [gate.child("worker")]
            ),
            clock: clock
        )
        let log = EventLog(root)
        let run = start(root)
        try await root.waitUntilReady()
        let delays = try await crashRepeatedly(
            "worker",
            count: 6,
            gate: gate,
            clock: clock,
            log: log
        )
        #expect(delays == [100, 200, 400, 800, 1_000, 1_000].map { .milliseconds($0) })
        // Ready for 30 s: the next failure starts over at the initial delay.
        clock.advance(by: .seconds(30))
        let afterReset = try await crashRepeatedly(
            "worker",
            count: 2,
            gate: gate,
            clock: clock,
            log: log
        )
        #expect(afterReset == [.milliseconds(100), .milliseconds(200)])
        root.shutdown()
        #expect(await run.value.failure == nil)
    }

    @Test func jitterShortensDelaysReproduciblyForOneSeed() async throws {
        var runs: [[Duration]] = []
        for _ in 0..<2 {
            let clock = ManualClock()
            let gate = Gate()
            let backoff = Backoff(
                initialDelay: .seconds(1),
                maximumDelay: .seconds(60),
                jitter: 0.5,
                seed: 42
            )
            let root = Supervisor(
                SupervisorSpec(
                    name: "root",
                    intensity: 100,
                    backoff: backoff,
                    children: [gate.child("worker")]
                ),
                clock: clock
            )
            let log = EventLog(root)
            let run = start(root)
            try await root.waitUntilReady()
            runs.append(
                try await crashRepeatedly("worker", count: 5, gate: gate, clock: clock, log: log)
            )
            root.shutdown()
            #expect(await run.value.failure == nil)
        }
        #expect(runs[0] == runs[1])
        for (attempt, delay) in runs[0].enumerated() {
            let base = Backoff(initialDelay: .seconds(1), maximumDelay: .seconds(60))
                .baseDelay(attempt: attempt + 1)
            #expect(delay <= base)
            #expect(delay >= base / 2)
        }
        #expect(Set(runs[0].enumerated().map { $0.element == .seconds(1 << $0.offset) }) != [true])
    }
}
