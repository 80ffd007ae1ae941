// What the workload task tells the rest of the run, in one value: the driver (so the tick loop
// notices it exiting), when the request in flight began, finished requests not yet seen by the
// liveness checker (a bounded queue, as the original's 16384-entry ring), counts and latency
// histograms per command, the requests report.html draws (RequestLog, bounded), the request left
// in flight when the workload stopped, and the ledger totals at the end. One mutex; every
// operation is short.

import ProcessControl
import Synchronization
import Workload

/// Accounts and transfers the workload created (as the model saw them acknowledged).
struct LedgerTotals: Sendable, Hashable {
    /// Accounts created.
    var accountsCreated: Int
    /// Transfers created.
    var transfersCreated: UInt64
}

/// Progress of the workload, shared between its task, the tick loop and the summary.
final class WorkloadProgress: Sendable {
    /// Most finished requests waiting for the tick loop; more are counted and dropped.
    static let pendingCapacity = 16_384

    private struct State {
        var driver: DriverHandle?
        var inFlightSince: ContinuousClock.Instant?
        var pending: [ProgressRecord] = []
        var droppedCount = 0
        var finishedCount = 0
        var latencyByCommand: [String: LatencyHistogram] = [:]
        var ledger: LedgerTotals?
        var requestLog = RequestLog()
        var unfinishedSince: ContinuousClock.Instant?
    }
    private let state = Mutex(State())

    /// Records the driver once it runs.
    func driverStarted(_ driver: DriverHandle) {
        state.withLock { state in
            precondition(state.driver == nil, "one driver per run")
            state.driver = driver
        }
    }

    /// How the driver ended, if it has (nil while it runs or before it started).
    var driverTermination: Termination? {
        state.withLock { $0.driver }?.termination
    }

    /// Records that a request is about to be generated and sent.
    func requestBegan(at instant: ContinuousClock.Instant = .now) {
        state.withLock { $0.inFlightSince = instant }
    }

    /// When the request in flight began, or nil.
    var inFlightSince: ContinuousClock.Instant? {
        state.withLock { $0.inFlightSince }
    }

    /// Records a finished request.
    func finished(_ record: ProgressRecord) {
        state.withLock { state in
            state.inFlightSince = nil
            state.finishedCount += 1
            state.latencyByCommand[record.command.rawValue, default: LatencyHistogram()]
                .record(record.duration)
            state.requestLog.record(
                command: record.command.rawValue,
                start: record.startMonotonic,
                end: record.endMonotonic
            )
            if state.pending.count < Self.pendingCapacity {
                state.pending.append(record)
            } else {
                state.droppedCount += 1
            }
        }
    }

    /// Records that no request is in flight any more (the workload stopped).
    func stopped(ledger: LedgerTotals) {
        state.withLock { state in
            state.unfinishedSince = state.inFlightSince
            state.inFlightSince = nil
            state.ledger = ledger
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

    /// The finished requests as report.html draws them.
    var requestLog: RequestLog { state.withLock { $0.requestLog } }

    /// When the request that was in flight as the workload stopped began (nil when none was).
    var unfinishedSince: ContinuousClock.Instant? { state.withLock { $0.unfinishedSince } }

    /// The ledger totals, once the workload stopped.
    var ledger: LedgerTotals? { state.withLock { $0.ledger } }
}
