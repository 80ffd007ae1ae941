// The run's Chrome trace (docs/trace.md "What the harness records"), on the run's clock
// (RunClock: `ts` 0 is the origin faults.jsonl and vortex.log count from): one track per replica
// (pid = index), plus supervisor, workload and network (pid = 6, 7, 8 as the original's
// replicas_max + 0, 1, 2); spans while a replica is terminated or stopped and while network
// faults are active, and on the network track one row per directed link between replicas with a
// span while it is cut or has a fault of its own; every request as a complete event; failures
// as global instants.

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
        /// The open span of each link's row (its name: `cut`, `delay 120±50ms`, …).
        var linkSpans: [ReplicaLink: String] = [:]
        /// Links whose row is named already.
        var namedLinks: Set<ReplicaLink> = []
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
            updateLinks(faults, state: &current, at: instant)
            guard !faults.isHealed else { return }
            let isolated = faults.partition.flatMap { partition in
                partition.shape == .isolate
                    ? partition.isolatedReplica(replicaCount: current.replicaSpans.count) : nil
            }
            writer.beginSpan(
                "network_faults",
                pid: Self.networkPid,
                args: [
                    "delay_ms": .int(faults.delay?.delayMs ?? 0),
                    "jitter_ms": .int(faults.delay?.jitterMs ?? 0),
                    "corruption_percent": .int(faults.corruptionPercent ?? 0),
                    "loss_percent": .int(faults.lossPercent ?? 0),
                    "isolated_replica": .int(isolated ?? -1),
                    "partition": .string(faults.partition?.shape.rawValue ?? ""),
                    "cut_links": .string(
                        faults.partition.map { FaultDecision.describe($0.sortedCut) } ?? ""
                    ),
                    "bandwidth_bytes_per_second": .int(faults.bandwidthBytesPerSecond ?? 0),
                    "clogged": .bool(faults.clogged),
                    "duplication_percent": .int(faults.duplicationPercent ?? 0),
                    "reorder_percent": .int(faults.reorderPercent ?? 0),
                ],
                at: instant
            )
            current.networkSpanOpen = true
        }
    }

    /// The row of `link` on the network track.
    static func linkThread(_ link: ReplicaLink) -> Int {
        1 + link.from * ClusterLayout.replicaCountMax + link.to
    }

    /// What each link's row shows under `faults`: `cut`, its own delay or loss, or both.
    static func linkLabels(_ faults: NetworkFaults) -> [ReplicaLink: String] {
        var labels: [ReplicaLink: [String]] = [:]
        for link in faults.cutLinks {
            labels[link, default: []].append("cut")
        }
        for (link, fault) in faults.linkFaults {
            if let delay = fault.delay {
                labels[link, default: []].append("delay \(delay.delayMs)±\(delay.jitterMs)ms")
            }
            if let lossPercent = fault.lossPercent {
                labels[link, default: []].append("loss \(lossPercent)%")
            }
        }
        return labels.mapValues { $0.joined(separator: ", ") }
    }

    /// Ends the span of every link whose state changed and begins its new one.
    private func updateLinks(
        _ faults: NetworkFaults,
        state current: inout State,
        at instant: ContinuousClock.Instant
    ) {
        let labels = Self.linkLabels(faults)
        for link in Set(current.linkSpans.keys).union(labels.keys).sorted() {
            let before = current.linkSpans[link]
            let after = labels[link]
            guard before != after else { continue }
            let thread = Self.linkThread(link)
            if let before {
                writer.endSpan(before, pid: Self.networkPid, tid: thread, at: instant)
            }
            current.linkSpans[link] = after
            guard let after else { continue }
            if current.namedLinks.insert(link).inserted {
                writer.setThreadName("link \(link)", pid: Self.networkPid, tid: thread)
                writer.setThreadSortIndex(thread, pid: Self.networkPid, tid: thread)
            }
            writer.beginSpan(
                after,
                pid: Self.networkPid,
                tid: thread,
                args: ["from": .int(link.from), "to": .int(link.to)],
                at: instant
            )
        }
    }

    /// Marks a reset of every connection of `replica` that took effect at `instant` (a
    /// zero-length event on the network track: it has no duration).
    func connectionsReset(replica: Int, at instant: ContinuousClock.Instant) {
        writer.complete(
            "reset",
            pid: Self.networkPid,
            start: instant,
            end: instant,
            args: ["replica": .int(replica)]
        )
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
