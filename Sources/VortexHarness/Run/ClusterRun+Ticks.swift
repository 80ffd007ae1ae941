// The tick loop of a run (REFERENCE-VORTEX.md §3.1): every 10 ms, stop at the end of the test
// duration, notice a driver that exited, judge liveness, and take one fault decision and carry it
// out. Decisions are logged (vortex.log, faults.jsonl with tick and monotonic time) and traced.

import Foundation
import Supervision
import Synchronization
import Workload

extension ClusterRun {
    /// Time between ticks, as the original's `constants.vsr.tick_ms`.
    static let tickInterval = Duration.milliseconds(10)
    /// Time between throughput samples in the trace (requests per second).
    static let throughputInterval = Duration.seconds(1)
    /// Time between progress-line updates on a terminal.
    static let progressInterval = Duration.milliseconds(250)

    func runTicks() async {
        let origin = ContinuousClock.now
        func since(_ instant: ContinuousClock.Instant) -> Duration { max(.zero, instant - origin) }
        let replicaCount = configuration.replicaCount
        var scheduler = FaultScheduler(seed: schedulerSeed, weights: configuration.faultWeights)
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
        var startedAt = Array(repeating: Duration.zero, count: replicaCount)
        do {
            let root = try rootSupervisor()
            let cluster = try await root.supervisor(at: [ReplicaGroup.supervisorID])
            replicas.attach(cluster)
        } catch {
            fail(.internalError, "the cluster supervisor is not reachable: \(error)")
            return
        }
        var tick: UInt64 = 0
        var nextProgress = Duration.zero
        var nextThroughput = Self.throughputInterval
        var finishedAtLastSample = 0
        // Bounded by the test duration: `now` grows with every tick.
        while !stopping.load(ordering: .acquiring) && !Task.isCancelled {
            try? await Task.sleep(for: Self.tickInterval)
            let now = since(.now)
            if now >= configuration.testDuration {
                log.log(.info, "workload", "terminating due to max duration")
                verdict.pass()
                requestShutdown()
                return
            }
            if let termination = driver.withLock({ $0 })?.termination {
                fail(.driverExitedEarly, "workload: the driver exited early: \(termination)")
                return
            }
            for record in progress.drain() {
                liveness.requestFinished(
                    start: since(record.startMonotonic),
                    end: since(record.endMonotonic)
                )
            }
            longestRecovery.withLock { $0 = liveness.longestRecovery }
            let inFlight = await runner.withLock({ $0 })?.inFlight
            let states = executor.cluster.replicas.indices.map {
                ReplicaLiveness(state: executor.cluster.replicas[$0], startedAt: startedAt[$0])
            }
            if let violation = liveness.check(
                now: now,
                replicas: states,
                network: executor.cluster.network,
                oldestInFlightStart: inFlight.map { since($0.startMonotonic) }
            ) {
                if let periodStart = liveness.periodStart {
                    trace.livenessRequired(from: origin + periodStart, to: .now)
                }
                fail(violation.exitReason, "liveness check: \(violation)")
                return
            }
            if let decision = scheduler.decide(executor.cluster) {
                let before = executor.cluster
                do {
                    try await executor.execute(decision)
                } catch {
                    if stopping.load(ordering: .acquiring) { return }
                    fail(.internalError, "fault \(decision) could not be carried out: \(error)")
                    return
                }
                record(decision, tick: tick, now: now, before: before, after: executor.cluster)
                for replica in 0..<replicaCount
                where before.replicas[replica] == .terminated
                    && executor.cluster.replicas[replica] == .running
                {
                    startedAt[replica] = since(.now)
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
                showProgressLine(now: now, cluster: executor.cluster)
            }
            tick += 1
        }
    }

    private func rootSupervisor() throws -> Supervisor {
        guard let supervisor = root.withLock({ $0 }) else {
            throw ConfigurationError("the run's supervisor is not running")
        }
        return supervisor
    }

    private func record(
        _ decision: FaultDecision,
        tick: UInt64,
        now: Duration,
        before: ObservedCluster,
        after: ObservedCluster
    ) {
        let (seconds, attoseconds) = now.components
        let timeUs = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        log.log(
            .info,
            "faults",
            "tick=\(tick) t=\(DurationSyntax.formatMilliseconds(now)) \(decision)"
        )
        faultLog.append(FaultLogEntry(tick: tick, timeUs: timeUs, decision: decision))
        faultCounts.withLock { $0[decision.kind, default: 0] += 1 }
        for replica in before.replicas.indices
        where before.replicas[replica] != after.replicas[replica] {
            trace.replica(replica, became: after.replicas[replica])
        }
        if before.network != after.network {
            trace.network(after.network)
        }
    }

    private func showProgressLine(now: Duration, cluster: ObservedCluster) {
        var faults: [String] = []
        for (replica, state) in cluster.replicas.enumerated() where state != .running {
            faults.append("r\(replica) \(state.rawValue)")
        }
        faults += cluster.network.activeNames
        let snapshot = ProgressSnapshot(
            elapsed: now,
            total: configuration.testDuration,
            requestsDone: progress.finishedCount,
            replicasUp: cluster.replicas(in: .running).count,
            replicaCount: configuration.replicaCount,
            activeFaults: faults
        )
        log.showProgress(snapshot.render())
    }
}
