// What the supervisor loop does when a child ends by itself: a failure before readiness stops
// the supervisor (never restarted); otherwise the restart type decides whether to restart, the
// strategy decides which siblings go with it, restart intensity decides whether to give up, and
// the backoff decides when. Also how children are stopped and how the supervisor shuts down:
// always in reverse start order, each child with its own shutdown policy.

extension SupervisorCore {
    /// A child ended without being asked to.
    func childEnded(_ record: ChildRecord, reason: ExitReason) async {
        let wasReady = record.isReady
        markStopped(record, reason: reason)
        emit(record.path, .exited(reason, duringInitialization: !wasReady))
        if case .supervisorFailed(let nestedError) = reason,
            nestedError.code == .initializationFailed
        {
            // A failure to initialize deep in the tree stops every supervisor on its path.
            await initializationFailed(record, reason: reason, error: nestedError)
            return
        }
        if !wasReady && reason.isAbnormal {
            await initializationFailed(record, reason: reason)
            return
        }
        record.answerReadyWaiters(.success(()))
        await restartIfNeeded(record, reason: reason)
    }

    /// A child failed before it was ready. A child started by a control call fails that call;
    /// any other stops the supervisor with an error naming the child's path.
    func initializationFailed(
        _ record: ChildRecord,
        reason: ExitReason,
        error: SupervisorError? = nil
    ) async {
        let error = error ?? .initializationFailed(record.path, reason)
        if !record.readyWaiters.isEmpty {
            record.answerReadyWaiters(.failure(error))
            startNextIfIdle()
            completeInitialStartIfDone()
            return
        }
        await shutdown(cause: .initializationFailed, error: error)
    }

    private func restartIfNeeded(_ record: ChildRecord, reason: ExitReason) async {
        let restart: Bool
        switch record.spec.restart {
        case .permanent: restart = true
        case .transient: restart = reason.isAbnormal
        case .temporary: restart = false
        }
        guard restart else {
            startNextIfIdle()
            if record.spec.significant { await autoShutdownIfDue() }
            completeInitialStartIfDone()
            return
        }
        let now = clock.now
        guard restartWindow.record(at: now) else {
            emit(path, .intensityExceeded(restarts: restartWindow.count, period: spec.period))
            let error = SupervisorError(
                code: .intensityExceeded,
                path: path,
                reason: reason,
                message: "more than \(spec.intensity) restarts within \(spec.period) (the last "
                    + "after \(record.path) ended with \(reason)); fix that child, or raise "
                    + "intensity or period"
            )
            await shutdown(cause: .intensityExceeded, error: error)
            return
        }
        if let resetAfter = spec.backoff?.resetAfter, let readyAt = record.readyAt,
            now - readyAt >= resetAfter
        {
            record.consecutiveRestarts = 0
        }
        record.consecutiveRestarts += 1
        let attempt = record.consecutiveRestarts
        let delay = spec.backoff?.delay(attempt: attempt, using: &random) ?? .zero

        var group: [ChildRecord] = [record]
        switch spec.strategy {
        case .oneForOne, .dynamic:
            break
        case .oneForAll:
            group = children.filter { $0 === record || $0.active != nil }
        case .restForOne:
            group = children.filter {
                $0 === record || ($0.order > record.order && $0.active != nil)
            }
        }
        for sibling in group.reversed() where sibling !== record {
            await stopChild(sibling, policy: sibling.spec.shutdown)
        }
        // Temporary siblings stopped for the group restart stay stopped (OTP semantics).
        let restarting = group.filter { $0 === record || $0.spec.restart != .temporary }
        scheduleRestart(restarting, delay: delay, attempt: attempt)
    }

    private func scheduleRestart(_ records: [ChildRecord], delay: Duration, attempt: Int) {
        precondition(!records.isEmpty, "a restart with nothing to restart")
        precondition(delay >= .zero, "a negative restart delay")
        for record in records {
            record.restartCount += 1
            emit(record.path, .restartScheduled(delay: delay, attempt: attempt))
        }
        if delay == .zero {
            for record in records { enqueue(record) }
            startNextIfIdle()
            return
        }
        let token = nextTimerToken
        nextTimerToken += 1
        for record in records { record.lifecycle = .restartPending(token: token) }
        let deadline = clock.now + delay
        let (clock, mailbox) = (clock, owner.mailbox)
        restartTimers[token] = Task {
            do {
                try await clock.sleep(until: deadline)
                mailbox.post(.restartDue(token: token))
            } catch {
                return  // Shut down before the delay passed.
            }
        }
        startNextIfIdle()
    }

    private func autoShutdownIfDue() async {
        switch spec.autoShutdown {
        case .never:
            return
        case .anySignificant:
            await shutdown(cause: .autoShutdown, error: nil)
        case .allSignificant:
            let significant = children.filter { $0.spec.significant }
            if significant.allSatisfy({ $0.isStopped }) {
                await shutdown(cause: .autoShutdown, error: nil)
            }
        }
    }

    func markStopped(_ record: ChildRecord, reason: ExitReason?) {
        if let reason { record.lastExit = reason }
        record.lifecycle = .stopped
        record.processID = nil
        record.readinessTimer?.cancel()
        record.readinessTimer = nil
        if currentlyStarting === record { currentlyStarting = nil }
    }

    /// Stops a child (running, starting, queued or waiting for a restart) and reports how it
    /// ended; nil if it was not running. `reportedReason` replaces the reason in the report.
    @discardableResult
    func stopChild(
        _ record: ChildRecord,
        policy: ShutdownPolicy,
        reportedReason: ExitReason? = nil
    ) async -> ExitReason? {
        switch record.lifecycle {
        case .stopped:
            return nil
        case .queued, .restartPending:
            startQueue.removeAll { $0 === record }
            markStopped(record, reason: nil)
            record.answerReadyWaiters(.failure(notReady(record)))
            return nil
        case .starting(let child), .running(let child):
            let wasReady = record.isReady
            record.readinessTimer?.cancel()
            let effectivePolicy = owner.brutal.value == nil ? policy : .brutalKill
            let stopped = await child.stop(
                policy: effectivePolicy,
                clock: clock,
                brutal: owner.brutal
            )
            let reason = reportedReason ?? stopped
            markStopped(record, reason: reason)
            emit(record.path, .exited(reason, duringInitialization: !wasReady))
            if reportedReason == nil { record.answerReadyWaiters(.failure(notReady(record))) }
            return reason
        }
    }

    private func notReady(_ record: ChildRecord) -> SupervisorError {
        SupervisorError(
            code: .childNotRunning,
            path: record.path,
            message: "the child was stopped before it was ready"
        )
    }

    /// Stops every child in reverse start order, then ends the loop with `error` (nil: `run()`
    /// returns normally). A second call while shutting down does nothing; a brutal request
    /// reaches a shutdown in progress through `owner.brutal`.
    func shutdown(cause: ShutdownCause, error: SupervisorError?) async {
        guard phase != .shuttingDown else { return }
        phase = .shuttingDown
        emit(path, .shutdownBegan(cause))
        for timer in restartTimers.values { timer.cancel() }
        restartTimers.removeAll()
        let brutally = cause == .brutal
        for record in children.reversed() {
            await stopChild(record, policy: brutally ? .brutalKill : record.spec.shutdown)
        }
        precondition(startQueue.isEmpty, "children queued after shutdown")
        precondition(currentlyStarting == nil, "a child starting after shutdown")
        owner.readiness.fulfil(.failure(error ?? .notRunning(path)))
        emit(path, .shutdownCompleted(error))
        outcome = error.map { .failure($0) } ?? .success(())
    }

    // MARK: validation

    func validateSupervisor() -> SupervisorError? {
        if spec.intensity < 0 {
            return .invalid(path, "intensity is \(spec.intensity); use 0 or more")
        }
        if spec.period <= .zero {
            return .invalid(path, "period is \(spec.period); use a positive duration")
        }
        var isDynamic = false
        if case .dynamic = spec.strategy { isDynamic = true }
        if spec.children.isEmpty && !isDynamic {
            return SupervisorError(
                code: .noChildren,
                path: path,
                message: "the supervisor has no children; give it at least one ChildSpec, or "
                    + "use the .dynamic strategy to add children at run time"
            )
        }
        if spec.children.count > spec.maximumChildren {
            return .invalid(
                path,
                "\(spec.children.count) children exceed maximumChildren "
                    + "(\(spec.maximumChildren)); raise it"
            )
        }
        var seen = Set<String>()
        for child in spec.children {
            if !seen.insert(child.id).inserted {
                return .invalid(path.appending(child.id), "two children have this id; rename one")
            }
            if let error = validateChild(child) { return error }
        }
        return nil
    }

    func validateChild(_ child: ChildSpec) -> SupervisorError? {
        if child.id.isEmpty || child.id.contains("/") {
            return .invalid(path, "child id '\(child.id)' must be non-empty and without '/'")
        }
        let childPath = path.appending(child.id)
        if child.significant && child.restart == .permanent {
            return .invalid(
                childPath,
                "a significant child must be transient or temporary (a permanent one never "
                    + "ends for good); change its restart type or drop 'significant'"
            )
        }
        if child.significant && spec.autoShutdown == .never {
            return .invalid(
                childPath,
                "significant children need autoShutdown .anySignificant or .allSignificant"
            )
        }
        if let timeout = child.readinessTimeout, timeout <= .zero {
            return .invalid(childPath, "readinessTimeout must be positive")
        }
        return nil
    }
}
