// The run's Chrome trace (docs/trace.md "What the harness records"), on the run's clock
// (RunClock: `ts` 0 is the origin faults.jsonl and vortex.log count from): one track per replica
// (pid = index), plus supervisor, workload and network (pid = 6, 7, 8 as the original's
// replicas_max + 0, 1, 2); spans while a replica is terminated or stopped and while network
// faults are active; every request as a complete event; failures as global instants.

import ChromeTrace
import Synchronization
import Workload

/// Records the harness's events into a TraceWriter, keeping spans paired.
final class RunTrace: Sendable {
    static let supervisorPid = ClusterLayout.replicaCountMax
    static let workloadPid = ClusterLayout.replicaCountMax + 1
    static let networkPid = ClusterLayout.replicaCountMax + 2

    private enum ReplicaSpan { case none, stopped, terminated }
    private struct State {
        var replicaSpans: [ReplicaSpan]
        var networkSpanOpen = false
    }
    let writer: TraceWriter
    private let state: Mutex<State>

    /// Creates the trace at `path`; its `ts` counts from `clock`'s origin.
    init(path: String, replicaCount: Int, clock: RunClock) throws {
        writer = try TraceWriter(
            path: path,
            origin: (clock.origin, clock.originWallNanoseconds)
        )
        state = Mutex(State(replicaSpans: Array(repeating: .none, count: replicaCount)))
        for replica in 0..<replicaCount {
            writer.setProcessName("replica \(replica)", pid: replica)
            writer.setProcessSortIndex(replica, pid: replica)
        }
        writer.setProcessName("supervisor", pid: Self.supervisorPid)
        writer.setProcessName("workload", pid: Self.workloadPid)
        writer.setProcessName("network", pid: Self.networkPid)
    }

    /// Records a replica's state change caused by a fault decision that took effect at
    /// `instant`.
    func replica(
        _ replica: Int,
        became state: ReplicaFaultState,
        at instant: ContinuousClock.Instant
    ) {
        self.state.withLock { current in
            switch current.replicaSpans[replica] {
            case .none: break
            case .stopped: writer.endSpan("stopped", pid: replica, at: instant)
            case .terminated: writer.endSpan("terminated", pid: replica, at: instant)
            }
            switch state {
            case .running:
                current.replicaSpans[replica] = .none
            case .paused:
                writer.beginSpan(
                    "stopped",
                    pid: replica,
                    args: ["signal": "SIGSTOP"],
                    at: instant
                )
                current.replicaSpans[replica] = .stopped
            case .terminated:
                writer.beginSpan(
                    "terminated",
                    pid: replica,
                    args: ["signal": "SIGKILL"],
                    at: instant
                )
                current.replicaSpans[replica] = .terminated
            }
        }
    }

    /// Records the active network faults from `instant` on (a new set ends the previous span).
    func network(_ faults: NetworkFaults, at instant: ContinuousClock.Instant) {
        state.withLock { current in
            if current.networkSpanOpen {
                writer.endSpan("network_faults", pid: Self.networkPid, at: instant)
                current.networkSpanOpen = false
            }
            guard !faults.isHealed else { return }
            writer.beginSpan(
                "network_faults",
                pid: Self.networkPid,
                args: [
                    "delay_ms": .int(faults.delay?.delayMs ?? 0),
                    "jitter_ms": .int(faults.delay?.jitterMs ?? 0),
                    "corruption_percent": .int(faults.corruptionPercent ?? 0),
                    "loss_percent": .int(faults.lossPercent ?? 0),
                    "isolated_replica": .int(faults.isolatedReplica ?? -1),
                ],
                at: instant
            )
            current.networkSpanOpen = true
        }
    }

    /// Records a finished request.
    func request(_ record: ProgressRecord) {
        writer.complete(
            "request",
            pid: Self.workloadPid,
            start: record.startMonotonic,
            end: record.endMonotonic,
            args: [
                "command": .string(record.command.rawValue),
                "events": .int(record.eventCount),
                "results": .int(record.resultCount),
            ]
        )
    }

    /// Marks a supervisor event (a process started or ended) on the supervisor track.
    func supervisorEvent(_ text: String) {
        writer.instant("supervisor", pid: Self.supervisorPid, args: ["event": .string(text)])
    }

    /// Records the acceptable period that failed liveness, on the supervisor's track.
    func livenessRequired(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) {
        writer.complete(
            "liveness_required",
            pid: Self.supervisorPid,
            start: min(start, end),
            end: end
        )
    }

    /// Samples the workload's throughput (a counter on the workload's track).
    func throughput(requestsPerSecond: Double) {
        writer.counter("throughput", pid: Self.workloadPid, values: ["requests": requestsPerSecond])
    }

    /// Marks the failure that decided the run.
    func failure(_ reason: RunOutcome, _ message: String) {
        writer.instant(
            "test_failure",
            pid: Self.supervisorPid,
            scope: .global,
            args: ["reason": .string(reason.description), "message": .string(message)]
        )
    }

    /// Closes every span and the file.
    func close() throws {
        try writer.close()
    }
}
