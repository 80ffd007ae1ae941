// One run as a supervision tree (ARCHITECTURE.md §3): root `vortex` with children started in
// order and stopped in reverse: sinks, network backend, the `cluster` supervisor of replicas,
// the workload (driver + model), and the tick loop (fault scheduler + liveness). An event
// watcher logs every lifecycle event and turns any replica exit vortex did not cause into the
// verdict (14, or 137 for a foreign SIGKILL). The first failure or the end of the duration stops
// the tree.

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
    /// The running replicas' process ids, for the network backend.
    let replicaProcesses: ReplicaProcessTable
    let network: (any StoppableNetwork)?
    let progress = WorkloadProgress()
    let faultCounts = Mutex<[FaultKind: Int]>([:])
    let longestRecovery = Mutex<Duration>(.zero)
    let stopping = Atomic<Bool>(false)
    let root = Mutex<Supervisor?>(nil)
    let driver = Mutex<DriverHandle?>(nil)
    let runner = Mutex<WorkloadRunner?>(nil)
    let faultLog: FaultLogFile
    let showProgress: Bool
    /// Seeds derived from the run seed, in a fixed order.
    let schedulerSeed: UInt64
    let workloadSeed: UInt64
    let proxySeed: UInt64

    init(
        configuration: RunConfiguration,
        log: RunLog,
        trace: RunTrace,
        network: (any StoppableNetwork)?,
        replicaProcesses: ReplicaProcessTable
    ) throws {
        self.configuration = configuration
        self.values = PlaceholderValues(configuration)
        self.log = log
        self.trace = trace
        self.network = network
        self.replicaProcesses = replicaProcesses
        self.replicas = ReplicaGroup(values: values, target: configuration.target, log: log)
        self.faultLog = try FaultLogFile(path: "\(configuration.outputDirectory)/faults.jsonl")
        self.showProgress = isatty(1) == 1
        var random = VortexRandom(seed: configuration.seed)
        schedulerSeed = random.next()
        workloadSeed = random.next()
        proxySeed = random.next()
    }

    /// Asks the tree to stop (once).
    func requestShutdown() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        root.withLock { $0 }?.shutdown()
    }

    /// Records a failure, marks it in the trace and stops the tree.
    func fail(_ reason: ExitReason, _ message: String) {
        if verdict.fail(reason, message) {
            log.log(.error, "vortex", message)
            trace.failure(reason, message)
        } else {
            log.log(.warning, "vortex", "also: \(message)")
        }
        requestShutdown()
    }

    /// Runs to the verdict; returns it.
    func run(terminationSignals: SignalWatcher?) async -> (reason: ExitReason, message: String) {
        let supervisor = Supervisor(rootSpec())
        root.withLock { $0 = supervisor }
        supervisor.onEvent { [replicaProcesses] event in replicaProcesses.record(event) }
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
        return verdict.outcome
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
                    await self.runTicks()
                },
            ]
        )
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
        guard !stopping.load(ordering: .acquiring) else { return }
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

/// A network backend the run starts and stops.
protocol StoppableNetwork: NetworkFaultBackend {
    /// Starts the backend (proxies listen).
    func start() async throws
    /// Heals and removes everything the backend set up.
    func stop() async
    /// Lines for the end of the run's log: what the backend did (e.g. how many connections an
    /// isolated replica had opened were cut).
    func counterLines() -> [String]
}

extension ProxyNetwork: StoppableNetwork {
    func counterLines() -> [String] {
        counters().map { endpoint, counters in
            "proxy \(endpoint.replica) \(endpoint.portName) :\(endpoint.listenPort): \(counters)"
        }
    }
}

extension NetemNetwork: StoppableNetwork {
    func start() async throws {}

    func counterLines() -> [String] {
        ["netem: isolations matched \(outgoingPortsMatched) outgoing connection ports"]
    }
}

/// `faults.jsonl`: one JSON object per fault decision, with tick and monotonic time.
final class FaultLogFile: Sendable {
    private let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw ConfigurationError("cannot create \(path)")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func append(_ entry: FaultLogEntry) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard var data = try? encoder.encode(entry) else { return }
        data.append(0x0A)
        try? handle.write(contentsOf: data)
    }

    func close() {
        try? handle.close()
    }
}
