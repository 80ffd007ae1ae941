// The supervisor loop: the one place where a supervisor's state changes. It reads the mailbox
// one message at a time (children started / ready / ended, timers, control calls, shutdown
// requests) and keeps the start queue moving: children start strictly in order, each only
// after the one before it is ready. Failure handling (restart, intensity, backoff, auto
// shutdown) and control calls live in the extensions beside this file.

enum SupervisorPhase {
    /// Starting the initial children.
    case starting
    /// All initial children were ready once.
    case running
    /// Stopping everything; the loop ends when done.
    case shuttingDown
}

final class SupervisorCore {
    let owner: Supervisor
    var children: [ChildRecord] = []
    var phase = SupervisorPhase.starting
    /// Children waiting to start, in start order.
    var startQueue: [ChildRecord] = []
    /// The child started and not yet ready; nothing else starts meanwhile.
    var currentlyStarting: ChildRecord?
    /// Restart intensity: recent restart instants.
    var restartWindow: RestartWindow
    var restartTimers: [Int: Task<Void, Never>] = [:]
    var nextTimerToken = 0
    var nextOrder = 0
    var dynamicChildrenMade = 0
    var random: SplitMix64
    var outcome: Result<Void, SupervisorError>?

    init(owner: Supervisor) {
        self.owner = owner
        self.restartWindow = RestartWindow(
            intensity: max(owner.spec.intensity, 0),
            period: owner.spec.period > .zero ? owner.spec.period : .seconds(1)
        )
        self.random = SplitMix64(seed: owner.spec.backoff?.seed ?? UInt64.random(in: .min ... .max))
    }

    var spec: SupervisorSpec { owner.spec }
    var path: ChildPath { owner.path }
    var clock: any SupervisionClock { owner.hub.clock }

    func emit(_ path: ChildPath, _ kind: SupervisorEvent.Kind) {
        owner.hub.emit(path, kind)
    }

    func run() async -> Result<Void, SupervisorError> {
        let mailbox = owner.mailbox
        if let error = validateSupervisor() {
            phase = .shuttingDown
            owner.readiness.fulfil(.failure(error))
            emit(path, .shutdownCompleted(error))
            outcome = .failure(error)
        } else {
            for childSpec in spec.children {
                let record = addRecord(childSpec)
                record.lifecycle = .queued
                startQueue.append(record)
            }
            startNextIfIdle()
            completeInitialStartIfDone()
        }
        while outcome == nil, let message = await mailbox.next() {
            await handle(message)
        }
        mailbox.close()
        // Bounded: the mailbox is closed, so only what was already posted remains.
        while let message = await mailbox.next() {
            if case .control(let request) = message { request.fail(.notRunning(path)) }
        }
        return outcome ?? .success(())
    }

    func addRecord(_ childSpec: ChildSpec) -> ChildRecord {
        let record = ChildRecord(
            spec: childSpec,
            path: path.appending(childSpec.id),
            order: nextOrder
        )
        nextOrder += 1
        children.append(record)
        return record
    }

    func record(_ id: String) -> ChildRecord? {
        children.first { $0.spec.id == id }
    }

    /// The record whose running generation is `generation`; nil for stale messages.
    func current(_ id: String, _ generation: Int) -> ChildRecord? {
        guard let record = record(id), let active = record.active else { return nil }
        return active.generation == generation ? record : nil
    }

    private func handle(_ message: Message) async {
        switch message {
        case .childStarted(let id, let generation, let processID):
            guard let record = current(id, generation) else { return }
            record.processID = processID
            emit(record.path, .started(processID: processID))
        case .childReady(let id, let generation):
            guard let record = current(id, generation) else { return }
            childBecameReady(record)
        case .childExited(let id, let generation, let reason):
            guard let record = current(id, generation) else { return }
            await childEnded(record, reason: reason)
        case .readinessDeadline(let id, let generation):
            guard let record = current(id, generation), !record.isReady else { return }
            guard let timeout = record.spec.readinessTimeout else { return }
            let reason = ExitReason.readinessTimedOut(timeout)
            await stopChild(record, policy: .brutalKill, reportedReason: reason)
            await initializationFailed(record, reason: reason)
        case .restartDue(let token):
            guard restartTimers.removeValue(forKey: token) != nil else { return }
            for record in children {
                if case .restartPending(let pending) = record.lifecycle, pending == token {
                    enqueue(record)
                }
            }
            startNextIfIdle()
        case .control(let request):
            await handleControl(request)
        case .shutdown(let cause):
            await shutdown(cause: cause, error: nil)
        }
    }

    // MARK: ordered start

    /// Puts a child in the start queue at its place in start order.
    func enqueue(_ record: ChildRecord) {
        precondition(record.active == nil, "enqueue of a running child \(record.path)")
        record.lifecycle = .queued
        let index = startQueue.firstIndex { $0.order > record.order } ?? startQueue.endIndex
        startQueue.insert(record, at: index)
    }

    /// Starts queued children while none is starting.
    func startNextIfIdle() {
        // Bounded by the queue's length: every pass removes one.
        while phase != .shuttingDown, currentlyStarting == nil, !startQueue.isEmpty {
            let record = startQueue.removeFirst()
            if case .queued = record.lifecycle { launch(record) }
        }
    }

    private func launch(_ record: ChildRecord) {
        precondition(currentlyStarting == nil, "two children starting at once")
        precondition(phase != .shuttingDown, "starting a child during shutdown")
        record.generation += 1
        let child = RunningChild.launch(
            record.spec,
            path: record.path,
            generation: record.generation,
            restartCount: record.restartCount,
            owner: owner
        )
        record.lifecycle = .starting(child)
        record.readyAt = nil
        currentlyStarting = record
        if record.spec.kind != .process {
            emit(record.path, .started(processID: nil))
        }
        if case .task(.immediate, _) = record.spec.start {
            // Ready as soon as started: no round trip through the mailbox.
            childBecameReady(record, continueStarting: false)
            return
        }
        if let timeout = record.spec.readinessTimeout {
            let deadline = clock.now + timeout
            let (clock, mailbox, id, generation) = (
                clock, owner.mailbox, record.spec.id, record.generation
            )
            record.readinessTimer = Task {
                do {
                    try await clock.sleep(until: deadline)
                    mailbox.post(.readinessDeadline(id: id, generation: generation))
                } catch {
                    return  // Ready (or stopped) in time.
                }
            }
        }
    }

    /// Marks a starting child ready; unless called from within `startNextIfIdle` itself, goes
    /// on to start the next queued child.
    private func childBecameReady(_ record: ChildRecord, continueStarting: Bool = true) {
        guard case .starting(let child) = record.lifecycle else { return }
        record.lifecycle = .running(child)
        record.readyAt = clock.now
        record.readinessTimer?.cancel()
        record.readinessTimer = nil
        emit(record.path, .ready)
        record.answerReadyWaiters(.success(()))
        if currentlyStarting === record { currentlyStarting = nil }
        if continueStarting {
            startNextIfIdle()
            completeInitialStartIfDone()
        }
    }

    /// Marks the supervisor ready once no initial child is waiting to start.
    func completeInitialStartIfDone() {
        guard phase == .starting, currentlyStarting == nil, startQueue.isEmpty else { return }
        for record in children {
            if case .restartPending = record.lifecycle { return }
        }
        phase = .running
        if owner.isRoot { emit(path, .ready) }
        owner.readiness.fulfil(.success(()))
        owner.notifyReady()
    }
}
