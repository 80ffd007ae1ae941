// One run as a supervision tree (docs/architecture.md, "One run"): root `vortex` with children
// started in order and stopped in reverse: sinks, network backend, the `cluster` supervisor of
// replicas, the workload (driver + model), and the tick loop (fault scheduler + liveness). An
// event watcher logs every lifecycle event and turns any replica exit vortex did not cause into
// the verdict (14, or 137 for a foreign SIGKILL). The first failure or the end of the duration
// stops the tree. State flows one way: the workload task publishes through `progress`, the tick
// loop returns its statistics, and `run` returns everything the summary needs as a RunResult.

import ChromeTrace
import Foundation
import ProcessControl
import Supervision
import Synchronization
import Workload

/// Runs the cluster, workload and faults of one configuration to a verdict.
final class ClusterRun: Sendable {
    let configuration: RunConfiguration
    let values: PlaceholderValues
    let log: RunLog
    let trace: RunTrace
    let verdict = RunVerdict()
    let replicas: ReplicaGroup
    let network: (any NetworkBackend)?
    /// What the workload task publishes for the tick loop and the summary.
    let progress = WorkloadProgress()
    let faultLog: FaultLogFile
    let showProgress: Bool
    let clock: RunClock
    let seeds: RunSeeds
    /// The recorded schedule to carry out instead of drawing decisions (`vortex replay`).
    let replay: ReplayPlan?
    private let stopping = Atomic<Bool>(false)
    private let root = Mutex<Supervisor?>(nil)
    /// Set once, by the tick loop's child when the loop returns.
    private let tickStatistics = Mutex<TickStatistics?>(nil)

    init(
        configuration: RunConfiguration,
        clock: RunClock,
        log: RunLog,
        trace: RunTrace,
        network: (any NetworkBackend)?,
        hosts: ReplicaHosts,
        replay: ReplayPlan? = nil
    ) throws {
        self.configuration = configuration
        self.values = PlaceholderValues(configuration)
        self.clock = clock
        self.log = log
        self.trace = trace
        self.network = network
        self.replicas = ReplicaGroup(
            values: values,
            target: configuration.target,
            log: log,
            hosts: hosts
        )
        self.faultLog = try FaultLogFile(path: "\(configuration.outputDirectory)/faults.jsonl")
        self.showProgress = isatty(1) == 1
        self.seeds = RunSeeds(runSeed: configuration.seed)
        self.replay = replay
    }

    /// Whether the run is stopping (a verdict was reached or a signal came).
    var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Asks the tree to stop (once).
    func requestShutdown() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        root.withLock { $0 }?.shutdown()
    }

    /// Records a failure (with the kind of mismatch of a reconciliation failure), marks it in
    /// the trace and stops the tree.
    func fail(_ reason: RunOutcome, _ message: String, mismatch: String? = nil) {
        if verdict.fail(reason, message, mismatch: mismatch) {
            log.log(.error, "vortex", message)
            trace.failure(reason, message)
        } else {
            log.log(.warning, "vortex", "also: \(message)")
        }
        requestShutdown()
    }

    /// Runs to the verdict; returns it with what the summary reports.
    func run(terminationSignals: SignalWatcher?) async -> RunResult {
        let supervisor = Supervisor(rootSpec())
        root.withLock { $0 = supervisor }
        let events = supervisor.events()
        let watcher = Task { await watch(events) }
        do {
            try await supervisor.run(
                handlingTerminationSignals: true,
                terminationSignals: terminationSignals
            )
        } catch {
            if !verdict.isDecided {
                verdict.fail(.internalError, "the run could not start: \(error)")
            }
        }
        await watcher.value
        if !verdict.isDecided {
            verdict.fail(.internalError, "the run ended without a verdict")
        }
        if showProgress { log.clearProgress() }
        var (outcome, message) = verdict.outcome
        if outcome == .pass, let register = progress.register {
            message = register.passMessage
        }
        return RunResult(
            outcome: outcome,
            message: message,
            statistics: tickStatistics.withLock { $0 } ?? TickStatistics(),
            requestsFinished: progress.finishedCount,
            latencyByCommand: progress.latencyByCommand,
            ledger: progress.ledger,
            register: progress.register,
            verdictTime: verdict.decidedAt.map { clock.elapsed(at: $0) },
            mismatch: verdict.mismatch
        )
    }

    private func rootSpec() -> SupervisorSpec {
        SupervisorSpec(
            name: "vortex",
            children: [
                .task("sinks", restart: .temporary) { _ in
                    await Self.waitForCancellation()
                    try? self.trace.writer.flush()
                },
                .task("network", restart: .temporary, readiness: .explicit) { context in
                    try await self.network?.start()
                    context.reportReady()
                    await Self.waitForCancellation()
                    self.logNetworkCounters()
                    await self.network?.stop()
                },
                .supervisor(
                    ReplicaGroup.supervisorID,
                    replicas.supervisorSpec(),
                    restart: .temporary
                ),
                .task(
                    "workload",
                    restart: .temporary,
                    shutdown: .timeout(.seconds(20)),
                    readiness: .explicit
                ) { context in
                    try await self.runWorkload(context)
                },
                .task("faults", restart: .temporary) { _ in
                    let statistics = await self.runTicks()
                    self.tickStatistics.withLock { $0 = statistics }
                },
            ]
        )
    }

    /// The running root supervisor.
    func rootSupervisor() throws -> Supervisor {
        guard let supervisor = root.withLock({ $0 }) else {
            throw RunError("the run's supervisor is not running")
        }
        return supervisor
    }

    /// Writes what the network backend did to vortex.log (debug).
    private func logNetworkCounters() {
        for line in network?.counterLines() ?? [] {
            log.log(.debug, "network", line)
        }
    }

    static func waitForCancellation() async {
        // Each sleep ends early when the task is cancelled; then the loop ends.
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3_600))
        }
    }

    private func watch(_ events: AsyncStream<SupervisorEvent>) async {
        for await event in events {
            log.log(.debug, "supervisor", "\(event.path) \(event.kind)")
            // Every lifecycle event is also a mark on the supervisor's track.
            trace.supervisorEvent("\(event.path) \(event.kind)")
            switch event.kind {
            case .exited(let reason, _):
                judgeExit(of: event.path, reason: reason)
            case .signalReceived(let signal) where event.path.components.count == 1:
                acknowledge(signal)
            case .shutdownBegan(.signal) where event.path.components.count == 1:
                stopping.store(true, ordering: .releasing)
            default: break
            }
        }
    }

    /// A termination signal interrupts the run unless it already has its verdict; either way
    /// the log says which, so every signal is acknowledged.
    private func acknowledge(_ signal: Signal) {
        if verdict.interrupt("vortex was interrupted by \(signal)") {
            log.log(.warning, "vortex", "interrupted by \(signal): stopping the run")
            trace.failure(.interrupted, "interrupted by \(signal)")
        } else if verdict.hasFailed {
            log.log(.info, "vortex", "received \(signal); the run is already stopping")
        } else {
            log.log(
                .warning,
                "vortex",
                "received \(signal) after the run passed; it ends with that verdict"
            )
        }
    }

    private func judgeExit(of path: ChildPath, reason: Supervision.ExitReason) {
        guard !isStopping else { return }
        if let replica = ReplicaGroup.replicaIndex(of: path) {
            switch reason {
            case .killed, .shutdown: return
            case .signaled(.kill):
                fail(
                    .replicaKilled,
                    "\(replica): replica terminated unexpectedly by a SIGKILL vortex did not send "
                        + "(likely the OOM killer)"
                )
            default:
                fail(
                    .replicaExited,
                    "\(replica): replica terminated unexpectedly with \(reason); see "
                        + replicas.logPath(replica)
                )
            }
            return
        }
        guard reason.isAbnormal, reason != .killed else { return }
        fail(.internalError, "\(path) stopped: \(reason)")
    }
}

/// What a run hands to the summary once it has its verdict.
struct RunResult: Sendable {
    /// How the run ended.
    var outcome: RunOutcome
    /// One line saying why.
    var message: String
    /// What the tick loop counted.
    var statistics: TickStatistics
    /// Requests finished.
    var requestsFinished: Int
    /// Latency histograms by command.
    var latencyByCommand: [String: LatencyHistogram]
    /// The ledger totals (nil when the workload never stopped cleanly, e.g. never started).
    var ledger: LedgerTotals?
    /// The register workload's totals (nil for the ledger, or when it never stopped cleanly).
    var register: RegisterSummary? = nil
    /// When the verdict was decided, on the run's clock.
    var verdictTime: Duration?
    /// The kind of mismatch of a reconciliation failure.
    var mismatch: String?
}
