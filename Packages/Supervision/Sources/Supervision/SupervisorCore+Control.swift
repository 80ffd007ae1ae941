// The run-time control calls, executed by the supervisor loop: start a new child (also from a
// dynamic supervisor's template), terminate, restart or delete one, take snapshots, and reach a
// nested supervisor or a child's OS process. Calls that start a child answer once it is ready.

extension SupervisorCore {
    func handleControl(_ request: ControlRequest) async {
        guard phase != .shuttingDown else {
            request.fail(.notRunning(path))
            return
        }
        switch request {
        case .startChild(let childSpec, let reply):
            startNewChild(childSpec, reply: reply)
        case .startDynamicChild(let arguments, let id, let reply):
            guard case .dynamic(let template) = spec.strategy else {
                reply.fail(
                    SupervisorError(
                        code: .notDynamic,
                        path: path,
                        message: "startChild(arguments:) needs a .dynamic supervisor; use "
                            + "startChild(_:) with a ChildSpec"
                    )
                )
                return
            }
            dynamicChildrenMade += 1
            let childID = id ?? "\(template.idPrefix)-\(dynamicChildrenMade)"
            var childSpec = template.makeSpec(childID, arguments)
            childSpec.id = childID
            startNewChild(childSpec, reply: reply)
        case .terminateChild(let id, let policy, let reply):
            guard let record = record(id) else { return reply.fail(.childNotFound(path, id)) }
            let reason = await stopChild(record, policy: policy ?? record.spec.shutdown)
            reply.succeed(reason)
            startNextIfIdle()
            completeInitialStartIfDone()
        case .restartChild(let id, let reply):
            guard let record = record(id) else { return reply.fail(.childNotFound(path, id)) }
            guard record.isStopped else { return reply.fail(running(record)) }
            record.restartCount += 1
            record.readyWaiters.append { reply.result.fulfil($0) }
            enqueue(record)
            startNextIfIdle()
        case .deleteChild(let id, let reply):
            guard let record = record(id) else { return reply.fail(.childNotFound(path, id)) }
            guard record.isStopped else { return reply.fail(running(record)) }
            children.removeAll { $0 === record }
            reply.succeed(())
        case .whichChildren(let reply):
            reply.succeed(children.map { $0.snapshot() })
        case .countChildren(let reply):
            let supervisors = children.filter { $0.spec.kind == .supervisor }.count
            reply.succeed(
                ChildCounts(
                    specs: children.count,
                    active: children.filter { $0.active != nil }.count,
                    supervisors: supervisors,
                    workers: children.count - supervisors
                )
            )
        case .nestedSupervisor(let id, let reply):
            guard let record = record(id) else { return reply.fail(.childNotFound(path, id)) }
            guard let nested = record.active?.nested else { return reply.fail(notRunning(record)) }
            reply.succeed(nested)
        case .process(let id, let reply):
            guard let record = record(id) else { return reply.fail(.childNotFound(path, id)) }
            guard let process = record.active?.process else {
                return reply.fail(notRunning(record))
            }
            reply.succeed(process)
        }
    }

    private func startNewChild(_ childSpec: ChildSpec, reply: Reply<ChildPath>) {
        if let error = validateChild(childSpec) { return reply.fail(error) }
        if record(childSpec.id) != nil {
            return reply.fail(
                .invalid(
                    path.appending(childSpec.id),
                    "a child with this id exists; pick another id or deleteChild it first"
                )
            )
        }
        guard children.count < spec.maximumChildren else {
            return reply.fail(
                SupervisorError(
                    code: .tooManyChildren,
                    path: path,
                    message: "already \(children.count) children (maximumChildren); stop and "
                        + "delete some, or raise maximumChildren"
                )
            )
        }
        let record = addRecord(childSpec)
        let childPath = record.path
        record.readyWaiters.append { result in reply.result.fulfil(result.map { childPath }) }
        enqueue(record)
        startNextIfIdle()
    }

    private func running(_ record: ChildRecord) -> SupervisorError {
        SupervisorError(
            code: .childRunning,
            path: record.path,
            message: "the child is running; terminateChild it first"
        )
    }

    private func notRunning(_ record: ChildRecord) -> SupervisorError {
        SupervisorError(
            code: .childNotRunning,
            path: record.path,
            message: "the child is not running; restartChild it first"
        )
    }
}
