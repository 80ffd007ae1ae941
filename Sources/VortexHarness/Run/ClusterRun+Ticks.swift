// The tick loop of a run (docs/architecture.md, "The tick loop"): every 10 ms, stop at the end of
// the test duration, notice a driver that exited, judge liveness, and take one fault decision and
// carry it out. Decisions come from a FaultDecisionSource: the seeded scheduler, or in a replay
// the recorded schedule, for which the loop also wakes at each decision's due time and skips
// (and logs) a decision that is impossible at that moment. Each decision is logged with the
// moment it took effect on the run's clock, the same moment in vortex.log (`time_us=`),
// faults.jsonl (`timeUs`) and trace.json (`ts`). The loop returns what it counted, with the
// moment it started (summary.json's `tickLoopStartUs`, the origin of replayed times).

import Foundation
import Supervision
import Workload

/// What the tick loop counted over a run.
struct TickStatistics: Sendable, Hashable {
    /// Decisions carried out, by kind (faults, heals, restarts and resumes alike).
    var actions: [FaultKind: Int] = [:]
    /// The longest an acceptable period waited for its first finished request.
    var longestRecovery: Duration = .zero
    /// When the loop started, on the run's clock (nil when it never started).
    var loopStart: Duration?
    /// Scripted decisions skipped because they were impossible at their time (replays only).
    var skipped = 0

    /// Decisions that created a fault (every kind but restart, resume and the heals), by kind.
    var faultsInjected: [FaultKind: Int] {
        actions.filter { $0.key.injectsFault }
    }
}

extension ClusterRun {
    /// Time between ticks, as the original's `constants.vsr.tick_ms`.
    static let tickInterval = Duration.milliseconds(10)
    /// Time between throughput samples in the trace (requests per second).
    static let throughputInterval = Duration.seconds(1)
    /// Time between progress-line updates on a terminal.
    static let progressInterval = Duration.milliseconds(250)

    func runTicks() async -> TickStatistics {
        var statistics = TickStatistics()
        let replicaCount = configuration.replicaCount
        var source = decisionSource()
        var executor = FaultExecutor(
            replicaCount: replicaCount,
            replicas: replicas,
            network: network
        )
        var liveness = LivenessChecker(
            window: configuration.livenessWindow,
            startupGrace: configuration.target.startupGrace,
            replicaCount: replicaCount
        )
        var startedAt = Array(repeating: clock.elapsed(), count: replicaCount)
        guard await attachCluster() else { return statistics }
        var tick: UInt64 = 0
        var nextProgress = Duration.zero
        let loopStart = clock.elapsed()
        statistics.loopStart = loopStart
        var nextThroughput = loopStart + Self.throughputInterval
        var finishedAtLastSample = 0
        // Bounded by the test duration: `now` grows with every tick.
        while !isStopping && !Task.isCancelled {
            await Self.sleep(for: sleepInterval(nextDue: source.nextDueTime, since: loopStart))
            let now = clock.elapsed()
            if Self.isOver(
                at: now - loopStart,
                testDuration: configuration.testDuration,
                nextDue: source.nextDueTime
            ) {
                log.log(.info, "workload", "terminating due to max duration")
                verdict.pass()
                requestShutdown()
                return statistics
            }
            if let termination = progress.driverTermination {
                fail(.driverExitedEarly, "workload: the driver exited early: \(termination)")
                return statistics
            }
            for record in progress.drain() {
                liveness.requestFinished(
                    start: clock.elapsed(at: record.startMonotonic),
                    end: clock.elapsed(at: record.endMonotonic)
                )
            }
            statistics.longestRecovery = liveness.longestRecovery
            let states = executor.cluster.replicas.indices.map {
                ReplicaLiveness(state: executor.cluster.replicas[$0], startedAt: startedAt[$0])
            }
            if let violation = liveness.check(
                now: now,
                replicas: states,
                network: executor.cluster.network,
                oldestInFlightStart: progress.inFlightSince.map { clock.elapsed(at: $0) }
            ) {
                if let periodStart = liveness.periodStart {
                    trace.livenessRequired(from: clock.origin + periodStart, to: .now)
                }
                fail(violation.outcome, "liveness check: \(violation)")
                return statistics
            }
            switch source.next(at: clock.elapsed() - loopStart, in: executor.cluster) {
            case nil: break
            case .skip(let decision, let reason):
                log.log(.warning, "faults", "tick=\(tick) replay: skipped \(decision): \(reason)")
                statistics.skipped += 1
            case .carryOut(let decision):
                let before = executor.cluster
                let decidedAt = ContinuousClock.now
                guard await carryOut(decision, with: &executor) else { return statistics }
                let tookEffect = ContinuousClock.now
                record(
                    decision,
                    tick: tick,
                    decidedAt: decidedAt,
                    at: tookEffect,
                    before: before,
                    after: executor.cluster
                )
                statistics.actions[decision.kind, default: 0] += 1
                for replica in 0..<replicaCount
                where before.replicas[replica] == .terminated
                    && executor.cluster.replicas[replica] == .running
                {
                    startedAt[replica] = clock.elapsed(at: tookEffect)
                }
            }
            if now >= nextThroughput {
                nextThroughput = now + Self.throughputInterval
                let finished = progress.finishedCount
                trace.throughput(requestsPerSecond: Double(finished - finishedAtLastSample))
                finishedAtLastSample = finished
            }
            if showProgress && now >= nextProgress {
                nextProgress = now + Self.progressInterval
                showProgressLine(elapsed: now - loopStart, cluster: executor.cluster)
            }
            tick += 1
        }
        return statistics
    }

    /// The run's decision source: the recorded schedule of a replay, else the seeded scheduler.
    // The steps of the loop that can throw live in small functions of their own. Swift 6.3's
    // optimizer crashed (release builds) splitting an async function whose `try await` called
    // a method on the result of another throwing call in the same expression
    // (`try await rootSupervisor().supervisor(at:)`): keep such calls as separate statements.

    /// Hands the running cluster supervisor to the replica group; false (and the run failed)
    /// when it is not reachable.
    @inline(never)
    private func attachCluster() async -> Bool {
        do {
            let root = try rootSupervisor()
            let cluster = try await root.supervisor(at: [ReplicaGroup.supervisorID])
            replicas.attach(cluster)
            return true
        } catch {
            fail(.internalError, "the cluster supervisor is not reachable: \(error)")
            return false
        }
    }

    /// Carries out `decision`; false when it failed (the run then fails, unless it is stopping).
    @inline(never)
    private func carryOut(
        _ decision: FaultDecision,
        with executor: inout FaultExecutor
    ) async
        -> Bool
    {
        do {
            try await executor.execute(decision)
            return true
        } catch {
            if !isStopping {
                fail(.internalError, "fault \(decision) could not be carried out: \(error)")
            }
            return false
        }
    }

    /// Sleeps `duration`, or less when the task is cancelled.
    @inline(never)
    private static func sleep(for duration: Duration) async {
        try? await Task.sleep(for: duration)
    }

    private func decisionSource() -> any FaultDecisionSource {
        if let replay { return replay.schedule }
        return FaultScheduler(
            seed: seeds.scheduler,
            weights: configuration.faultWeights,
            faultyReplicasMax: configuration.faultyReplicasMax
        )
    }

    /// How long to sleep before the next wake-up: one tick, or less when the source's next
    /// decision is due sooner (zero when it is overdue).
    /// Whether the tick loop ends at loop time `elapsed`: the test duration is over and no
    /// recorded decision due before the end is still pending. Such a decision is carried out
    /// (late) first, so a replay whose last wake-up overslept the end still does all that the
    /// original did.
    static func isOver(at elapsed: Duration, testDuration: Duration, nextDue: Duration?) -> Bool {
        let duePending = nextDue.map { $0 < testDuration } ?? false
        return elapsed >= testDuration && !duePending
    }

    private func sleepInterval(nextDue: Duration?, since loopStart: Duration) -> Duration {
        guard let nextDue else { return Self.tickInterval }
        let untilDue = nextDue - (clock.elapsed() - loopStart)
        return max(.zero, min(Self.tickInterval, untilDue))
    }

    /// Logs a decision that took effect at `instant` in vortex.log, faults.jsonl and the trace,
    /// all with that one time (faults.jsonl also with when it was taken, `decidedAt`).
    private func record(
        _ decision: FaultDecision,
        tick: UInt64,
        decidedAt: ContinuousClock.Instant,
        at instant: ContinuousClock.Instant,
        before: ObservedCluster,
        after: ObservedCluster
    ) {
        let timeUs = clock.microseconds(at: instant)
        log.log(
            .info,
            "faults",
            "tick=\(tick) t=\(DurationSyntax.formatMilliseconds(clock.elapsed(at: instant))) "
                + "time_us=\(timeUs) \(decision)"
        )
        var isolationCut: [ReplicaLink]?
        if case .isolate = decision { isolationCut = after.network.partition?.sortedCut }
        faultLog.append(
            FaultLogEntry(
                tick: tick,
                timeUs: timeUs,
                decision: decision,
                decidedUs: clock.microseconds(at: decidedAt),
                isolationCut: isolationCut
            )
        )
        for replica in before.replicas.indices
        where before.replicas[replica] != after.replicas[replica] {
            trace.replica(replica, became: after.replicas[replica], at: instant)
        }
        if before.network != after.network {
            trace.network(after.network, at: instant)
        }
        if case .reset(let replica) = decision {
            trace.connectionsReset(replica: replica, at: instant)
        }
    }

    private func showProgressLine(elapsed: Duration, cluster: ObservedCluster) {
        var faults: [String] = []
        for (replica, state) in cluster.replicas.enumerated() where state != .running {
            faults.append("r\(replica) \(state.rawValue)")
        }
        faults += cluster.network.activeNames
        let snapshot = ProgressSnapshot(
            elapsed: elapsed,
            total: configuration.testDuration,
            requestsDone: progress.finishedCount,
            replicasUp: cluster.replicas(in: .running).count,
            replicaCount: configuration.replicaCount,
            activeFaults: faults
        )
        log.showProgress(snapshot.render())
    }
}
