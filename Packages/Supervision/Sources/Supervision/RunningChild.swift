// One start ("generation") of a child: the task that runs it, and how to stop it according to
// its shutdown policy. A task child runs its body; a process child prepares its command, spawns
// it through ProcessControl, runs its readiness check and waits for it to be reaped; a nested
// supervisor child runs the nested supervisor's loop. However it ends, the generation reports
// exactly one exit reason, both to its `exit` value (for a stop in progress) and to the
// supervisor's mailbox (for the restart logic).

import ProcessControl
import Synchronization

final class RunningChild: Sendable {
    private struct State {
        var stopRequested = false
        var killed = false
        var task: Task<Void, Never>?
        var process: ChildProcess?
        var nested: Supervisor?
        var readinessFailure: String?
    }

    let id: String
    let generation: Int
    let kind: ChildKind
    /// Set once, when this generation has ended.
    let exit = OneShot<ExitReason>()
    private let owner: Supervisor
    private let state = Mutex(State())

    private init(id: String, generation: Int, kind: ChildKind, owner: Supervisor) {
        self.id = id
        self.generation = generation
        self.kind = kind
        self.owner = owner
    }

    /// The process while a process child runs.
    var process: ChildProcess? { state.withLock { $0.process } }

    /// The nested supervisor of a supervisor child.
    var nested: Supervisor? { state.withLock { $0.nested } }

    /// Starts one generation of `spec`; readiness and the end arrive as mailbox messages.
    static func launch(
        _ spec: ChildSpec,
        path: ChildPath,
        generation: Int,
        restartCount: Int,
        owner: Supervisor
    ) -> RunningChild {
        precondition(path.id == spec.id, "a child's path ends with its id")
        let child = RunningChild(id: spec.id, generation: generation, kind: spec.kind, owner: owner)
        let mailbox = owner.mailbox
        let context = ChildContext(path: path, restartCount: restartCount) {
            mailbox.post(.childReady(id: spec.id, generation: generation))
        }
        let task: Task<Void, Never>
        switch spec.start {
        case .task(let readiness, let body):
            // Immediate readiness is recorded by the supervisor loop when it launches the task.
            if readiness == .immediate { context.markReadyWithoutReport() }
            task = Task {
                do {
                    try await body(context)
                    child.finish(.normal)
                } catch {
                    child.finish(.failed(ChildFailure(error)))
                }
            }
        case .process(let start):
            task = Task { await child.runProcess(start, context: context) }
        case .supervisor(let nestedSpec):
            let nested = Supervisor(
                spec: nestedSpec,
                path: path,
                hub: owner.hub,
                isRoot: false,
                onReady: { context.reportReady() }
            )
            child.state.withLock { $0.nested = nested }
            task = Task {
                switch await nested.runLoop() {
                case .success: child.finish(.normal)
                case .failure(let error): child.finish(.supervisorFailed(error))
                }
            }
        }
        child.state.withLock { $0.task = task }
        return child
    }

    private func runProcess(_ start: ProcessStart, context: ChildContext) async {
        let command: Command
        do {
            command = try await start.makeCommand(context)
        } catch {
            finish(.startFailed("preparing the command failed: \(error)"))
            return
        }
        let process: ChildProcess
        do {
            process = try command.spawn()
        } catch {
            finish(.startFailed(error.description))
            return
        }
        let stopAlreadyRequested = state.withLock { state in
            state.process = process
            return state.stopRequested
        }
        owner.mailbox.post(.childStarted(id: id, generation: generation, processID: process.pid))
        if stopAlreadyRequested { try? process.kill() }
        let termination = await withTaskGroup(of: Void.self) { group in
            switch start.readiness {
            case .immediate:
                context.reportReady()
            case .check(let check):
                group.addTask {
                    do {
                        try await check(process, context)
                        context.reportReady()
                    } catch {
                        if process.termination == nil && !Task.isCancelled {
                            self.state.withLock { $0.readinessFailure = "\(error)" }
                            try? process.kill()
                        }
                    }
                }
            }
            let termination = await process.wait()
            group.cancelAll()
            return termination
        }
        if let failure = state.withLock({ $0.readinessFailure }) {
            finish(.startFailed("readiness check failed: \(failure)"))
        } else {
            finish(ExitReason(termination))
        }
    }

    /// Reports the end once; a requested stop turns the natural reason into `.shutdown` (or
    /// `.killed` when it had to be killed).
    private func finish(_ natural: ExitReason) {
        let reason: ExitReason = state.withLock { state in
            if !state.stopRequested { return natural }
            if state.killed || natural == .signaled(.kill) { return .killed }
            return .shutdown
        }
        if exit.fulfil(reason) {
            owner.mailbox.post(.childExited(id: id, generation: generation, reason: reason))
        }
    }

    /// Stops this generation with `policy`, escalating to a kill if `brutal` fires meanwhile;
    /// returns how it ended. Never skipped by cancellation: run it from the supervisor loop.
    func stop(
        policy: ShutdownPolicy,
        clock: any SupervisionClock,
        brutal: OneShot<Void>
    ) async -> ExitReason {
        let (task, process, nested) = state.withLock { state in
            state.stopRequested = true
            if policy == .brutalKill { state.killed = true }
            return (state.task, state.process, state.nested)
        }
        switch kind {
        case .task:
            return await cancelTask(task, policy: policy, clock: clock, brutal: brutal)
        case .process:
            guard let process else {
                // Still preparing its command: cancel that like a task. If it spawns anyway,
                // the runner sees the stop request and kills the process at once.
                return await cancelTask(task, policy: policy, clock: clock, brutal: brutal)
            }
            await Self.stopProcess(process, policy: policy, brutal: brutal)
            return await exit.wait() ?? .killed
        case .supervisor:
            guard let nested else {
                preconditionFailure("a supervisor child without its supervisor")
            }
            var deadline: Duration?
            switch policy {
            case .brutalKill:
                nested.shutdown(brutally: true)
                return await exit.wait() ?? .killed
            case .timeout(let timeout): deadline = clock.now + timeout
            case .infinity: deadline = nil
            }
            nested.shutdown()
            if await waitForExit(deadline: deadline, clock: clock, brutal: brutal) == nil {
                state.withLock { $0.killed = true }
                nested.shutdown(brutally: true)
            }
            return await exit.wait() ?? .killed
        }
    }

    /// Cancels the running task and waits as the policy allows; a task cannot be killed, so one
    /// that outlives the wait is abandoned (still cancelled) and reported killed.
    private func cancelTask(
        _ task: Task<Void, Never>?,
        policy: ShutdownPolicy,
        clock: any SupervisionClock,
        brutal: OneShot<Void>
    ) async -> ExitReason {
        task?.cancel()
        var deadline: Duration?
        switch policy {
        case .brutalKill: return exit.value ?? .killed
        case .timeout(let timeout): deadline = clock.now + timeout
        case .infinity: deadline = nil
        }
        if let reason = await waitForExit(deadline: deadline, clock: clock, brutal: brutal) {
            return reason
        }
        state.withLock { $0.killed = true }
        return exit.value ?? .killed
    }

    private static func stopProcess(
        _ process: ChildProcess,
        policy: ShutdownPolicy,
        brutal: OneShot<Void>
    ) async {
        // A suspended (SIGSTOPped) process must be continued to act on SIGTERM.
        let signalTree: @Sendable (Signal) -> Void = { signal in
            if process.leadsProcessGroup {
                try? process.signalGroup(signal)
            } else {
                try? process.signal(signal)
            }
        }
        switch policy {
        case .brutalKill:
            try? process.kill()
        case .timeout(let gracePeriod):
            // terminate() sends SIGCONT after SIGTERM itself, so a paused child sees it.
            await withTaskGroup(of: Void.self) { group in
                group.addTask { _ = await process.terminate(gracePeriod: gracePeriod) }
                group.addTask { if await brutal.wait() != nil { try? process.kill() } }
                await group.next()
                group.cancelAll()
            }
        case .infinity:
            signalTree(.terminate)
            signalTree(.continue)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { _ = await process.wait() }
                group.addTask { if await brutal.wait() != nil { try? process.kill() } }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// The exit reason if it comes before the deadline and before a brutal shutdown; else nil.
    private func waitForExit(
        deadline: Duration?,
        clock: any SupervisionClock,
        brutal: OneShot<Void>
    ) async -> ExitReason? {
        if let reason = exit.value { return reason }
        let exit = self.exit
        return await withTaskGroup(of: ExitReason?.self) { group in
            group.addTask { await exit.wait() }
            if let deadline {
                group.addTask {
                    try? await clock.sleep(until: deadline)
                    return nil
                }
            }
            group.addTask {
                _ = await brutal.wait()
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? exit.value
        }
    }
}
