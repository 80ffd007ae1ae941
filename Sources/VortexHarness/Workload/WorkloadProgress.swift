// What the workload task tells the rest of the run, in one value: the driver (so the tick loop
// What the workload task tells the rest of the run, in one value: the driver (so the tick loop
// notices it exiting), when the request in flight began (the oldest of the register workload's
// clients), finished requests not yet seen by the liveness checker (a bounded queue, as the
// original's 16384-entry ring; the register workload queues only `ok` operations, the progress
// liveness asks for), counts and latency histograms per command, the requests report.html draws
// (RequestLog, bounded), the request left in flight when the workload stopped, and the totals at
// the end. One mutex; every operation is short.

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

/// A finished request, as the liveness checker sees it.
struct FinishedRequest: Sendable, Hashable {
    /// When it was sent (generated, for the ledger).
    var startMonotonic: ContinuousClock.Instant
    /// When it finished.
    var endMonotonic: ContinuousClock.Instant
}

/// Progress of the workload, shared between its task, the tick loop and the summary.
final class WorkloadProgress: Sendable {
    /// Most finished requests waiting for the tick loop; more are counted and dropped.
    static let pendingCapacity = 16_384

    private struct State {
        var driver: DriverHandle?
        var inFlightSince: ContinuousClock.Instant?
        /// The register workload's clients' requests in flight, by client.
        var clientsInFlightSince: [Int: ContinuousClock.Instant] = [:]
        var pending: [FinishedRequest] = []
        var droppedCount = 0
        var finishedCount = 0
        var latencyByCommand: [String: LatencyHistogram] = [:]
        var ledger: LedgerTotals?
        var register: RegisterSummary?
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

    /// When the oldest request in flight began, or nil.
    var inFlightSince: ContinuousClock.Instant? {
        state.withLock { state in
            ([state.inFlightSince].compactMap { $0 } + state.clientsInFlightSince.values).min()
        }
    }

    /// Records a finished request.
    func finished(_ record: ProgressRecord) {
        state.withLock { state in
            state.inFlightSince = nil
            Self.count(
                &state,
                command: record.command.rawValue,
                FinishedRequest(
                    startMonotonic: record.startMonotonic,
                    endMonotonic: record.endMonotonic
                ),
                progressed: true
            )
        }
    }

    /// Records that register client `client` sent a request at `instant`.
    func clientRequestBegan(_ client: Int, at instant: ContinuousClock.Instant) {
        state.withLock { $0.clientsInFlightSince[client] = instant }
    }

    /// Records that register client `client`'s request for `command` finished; only one that
    /// `progressed` (completed ok) counts for liveness.
    func clientRequestFinished(
        _ client: Int,
        command: String,
        _ request: FinishedRequest,
        progressed: Bool
    ) {
        state.withLock { state in
            state.clientsInFlightSince[client] = nil
            Self.count(&state, command: command, request, progressed: progressed)
        }
    }

    /// Records that register client `client` stopped; a request it left in flight is the
    /// workload's unfinished one when it is the oldest.
    func clientStopped(_ client: Int) {
        state.withLock { state in
            guard let since = state.clientsInFlightSince.removeValue(forKey: client) else { return }
            state.unfinishedSince = min(state.unfinishedSince ?? since, since)
        }
    }

    private static func count(
        _ state: inout State,
        command: String,
        _ request: FinishedRequest,
        progressed: Bool
    ) {
        state.finishedCount += 1
        state.latencyByCommand[command, default: LatencyHistogram()]
            .record(request.endMonotonic - request.startMonotonic)
        state.requestLog.record(
            command: command,
            start: request.startMonotonic,
            end: request.endMonotonic
        )
        guard progressed else { return }
        if state.pending.count < pendingCapacity {
            state.pending.append(request)
        } else {
            state.droppedCount += 1
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

    /// Records the register workload's totals once it stopped.
    func stopped(register: RegisterSummary) {
        state.withLock { state in
            state.clientsInFlightSince = [:]
            state.register = register
        }
    }

    /// Takes the finished requests not yet taken.
    func drain() -> [FinishedRequest] {
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

    /// The register workload's totals, once it stopped.
    var register: RegisterSummary? { state.withLock { $0.register } }
}
