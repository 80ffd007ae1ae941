// The supervisor loop's inbox. Children, timers, signal handlers and control calls only post
// here; the loop alone changes supervisor state, one message at a time (no locks around the
// state, no interleaving). It is a plain locked queue with one waiting reader, lighter than an
// AsyncStream on the restart path. Its length is bounded by construction: each child generation
// posts at most three messages (started, ready, exited), each timer one, each control call one.

import ProcessControl
import Synchronization

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

/// Many posters, one reader (the supervisor loop).
final class Mailbox: Sendable {
    private struct State {
        var queue: [Message] = []
        /// Index of the next message to read; the consumed prefix is compacted away.
        var head = 0
        var reader: CheckedContinuation<Message?, Never>?
        var closed = false
    }

    private let state = Mutex(State())

    init() {}

    /// False once the loop has stopped reading.
    @discardableResult
    func post(_ message: Message) -> Bool {
        let (accepted, reader): (Bool, CheckedContinuation<Message?, Never>?) = state.withLock {
            state in
            if state.closed { return (false, nil) }
            if let reader = state.reader {
                state.reader = nil
                return (true, reader)
            }
            state.queue.append(message)
            return (true, nil)
        }
        reader?.resume(returning: message)
        return accepted
    }

    /// The next message; nil once closed and drained. Only the loop calls this.
    func next() async -> Message? {
        if let message = state.withLock({ Self.pop(&$0) }) { return message ?? nil }
        return await withCheckedContinuation {
            (continuation: CheckedContinuation<Message?, Never>) in
            let ready: Message?? = state.withLock { state in
                if let message = Self.pop(&state) { return message }
                precondition(state.reader == nil, "two readers on one supervisor mailbox")
                state.reader = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// `.some(message)`, `.some(nil)` when closed and empty, nil when the reader must wait.
    private static func pop(_ state: inout State) -> Message?? {
        if state.head < state.queue.count {
            let message = state.queue[state.head]
            state.head += 1
            if state.head > 64 && state.head * 2 > state.queue.count {
                state.queue.removeFirst(state.head)
                state.head = 0
            }
            return .some(message)
        }
        return state.closed ? .some(nil) : nil
    }

    /// Stops accepting messages; what was posted before can still be read.
    func close() {
        let reader: CheckedContinuation<Message?, Never>? = state.withLock { state in
            state.closed = true
            defer { state.reader = nil }
            return state.reader
        }
        reader?.resume(returning: nil)
    }
}
