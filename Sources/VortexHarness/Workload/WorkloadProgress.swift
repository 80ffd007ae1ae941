// What the workload task hands to the tick loop and the summary: finished requests not yet seen
// by the liveness checker (a bounded queue, as the original's 16384-entry ring), counts and
// latency histograms per command. One mutex; every operation is short.

import Synchronization
import Workload

/// Progress of the workload shared between its task and the tick loop.
final class WorkloadProgress: Sendable {
    /// Most finished requests waiting for the tick loop; more are counted and dropped.
    static let pendingCapacity = 16_384

    private struct State {
        var pending: [ProgressRecord] = []
        var droppedCount = 0
        var finishedCount = 0
        var latencyByCommand: [String: LatencyHistogram] = [:]
    }
    private let state = Mutex(State())

    /// Records a finished request.
    func finished(_ record: ProgressRecord) {
        state.withLock { state in
            state.finishedCount += 1
            state.latencyByCommand[record.command.rawValue, default: LatencyHistogram()]
                .record(record.duration)
            if state.pending.count < Self.pendingCapacity {
                state.pending.append(record)
            } else {
                state.droppedCount += 1
            }
        }
    }

    /// Takes the finished requests not yet taken.
    func drain() -> [ProgressRecord] {
        state.withLock { state in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
    }

    /// Requests finished so far.
    var finishedCount: Int { state.withLock { $0.finishedCount } }

    /// Latency histograms by command name.
    var latencyByCommand: [String: LatencyHistogram] { state.withLock { $0.latencyByCommand } }
}
