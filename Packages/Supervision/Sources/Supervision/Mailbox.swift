// The supervisor loop's inbox. Children, timers, signal handlers and control calls only post
// here; the loop alone changes supervisor state, one message at a time (no locks around the
// state, no interleaving). Its length is bounded by construction: each child generation posts
// at most three messages (started, ready, exited), each timer one, each control call one.

import ProcessControl

/// A one-shot answer to a control call.
final class Reply<Value: Sendable>: Sendable {
    let result = OneShot<Result<Value, SupervisorError>>()

    func succeed(_ value: Value) { result.fulfil(.success(value)) }
    func fail(_ error: SupervisorError) { result.fulfil(.failure(error)) }
}

/// A control call.
enum ControlRequest: Sendable {
    case startChild(ChildSpec, Reply<ChildPath>)
    case startDynamicChild(arguments: [String], id: String?, Reply<ChildPath>)
    case terminateChild(id: String, policy: ShutdownPolicy?, Reply<ExitReason?>)
    case restartChild(id: String, Reply<Void>)
    case deleteChild(id: String, Reply<Void>)
    case whichChildren(Reply<[ChildSnapshot]>)
    case countChildren(Reply<ChildCounts>)
    case nestedSupervisor(id: String, Reply<Supervisor>)
    case process(id: String, Reply<ChildProcess>)

    /// Answers the call with an error, whatever it asked for.
    func fail(_ error: SupervisorError) {
        switch self {
        case .startChild(_, let reply): reply.fail(error)
        case .startDynamicChild(_, _, let reply): reply.fail(error)
        case .terminateChild(_, _, let reply): reply.fail(error)
        case .restartChild(_, let reply): reply.fail(error)
        case .deleteChild(_, let reply): reply.fail(error)
        case .whichChildren(let reply): reply.fail(error)
        case .countChildren(let reply): reply.fail(error)
        case .nestedSupervisor(_, let reply): reply.fail(error)
        case .process(_, let reply): reply.fail(error)
        }
    }
}

/// A message to the supervisor loop.
enum Message: Sendable {
    case childStarted(id: String, generation: Int, processID: Int32?)
    case childReady(id: String, generation: Int)
    case childExited(id: String, generation: Int, reason: ExitReason)
    case readinessDeadline(id: String, generation: Int)
    case restartDue(token: Int)
    case control(ControlRequest)
    case shutdown(cause: ShutdownCause)
}

final class Mailbox: Sendable {
    let stream: AsyncStream<Message>
    private let continuation: AsyncStream<Message>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Message.self)
    }

    /// False once the loop has stopped reading.
    @discardableResult
    func post(_ message: Message) -> Bool {
        if case .enqueued = continuation.yield(message) { return true }
        return false
    }

    func close() { continuation.finish() }
}
