// The lifecycle events of a supervision tree, as a typed async sequence. Every supervisor in a
// tree publishes into the root's hub, so one subscription sees the whole tree; each event names
// the child (or supervisor) by path and carries a monotonic timestamp from the tree's clock. The
// harness turns them into trace events and log lines and reacts to exits it did not cause.

public import ProcessControl
import Synchronization

/// Why a supervisor began shutting down.
public enum ShutdownCause: Sendable, Hashable, CustomStringConvertible {
    /// `shutdown()` was called, the task running `run()` was cancelled, or the parent stopped it.
    case requested
    /// A termination signal arrived (SIGINT or SIGTERM).
    case signal(Signal)
    /// A significant child ended (see `AutoShutdown`).
    case autoShutdown
    /// Restart intensity was exceeded.
    case intensityExceeded
    /// A child failed before it was ready.
    case initializationFailed
    /// `shutdown(brutally: true)` or a second termination signal.
    case brutal

    /// `requested`, `signal(SIGTERM)` …
    public var description: String {
        switch self {
        case .requested: return "requested"
        case .signal(let signal): return "signal(\(signal))"
        case .autoShutdown: return "autoShutdown"
        case .intensityExceeded: return "intensityExceeded"
        case .initializationFailed: return "initializationFailed"
        case .brutal: return "brutal"
        }
    }
}

/// One lifecycle event of a child or a supervisor.
public struct SupervisorEvent: Sendable, Hashable, CustomStringConvertible {
    /// What happened.
    public enum Kind: Sendable, Hashable {
        /// The child was started; `processID` is set for OS processes.
        case started(processID: Int32?)
        /// The child reported readiness (for the root supervisor: all its children are ready).
        case ready
        /// The child ended. `duringInitialization` is true when it ended before it was ready.
        case exited(ExitReason, duringInitialization: Bool)
        /// The child will be started again after `delay`; `attempt` counts consecutive restarts
        /// of the child whose failure caused this (1 for the first).
        case restartScheduled(delay: Duration, attempt: Int)
        /// The supervisor saw more than `restarts − 1` restarts within `period` and gives up.
        case intensityExceeded(restarts: Int, period: Duration)
        /// A termination signal reached the supervisor that handles them (the event's path is
        /// that supervisor's). A shutdown follows, graceful for the first signal and brutal for
        /// the second; when one is already under way the signal only makes it brutal (second).
        case signalReceived(Signal)
        /// The supervisor started stopping its children (in reverse start order).
        case shutdownBegan(ShutdownCause)
        /// The supervisor stopped all its children; `error` is what its `run()` throws.
        case shutdownCompleted(SupervisorError?)
    }

    /// Time on the tree's clock (`SupervisionClock.now`) when it happened.
    public let timestamp: Duration
    /// The child, or for supervisor-wide events the supervisor itself.
    public let path: ChildPath
    /// What happened.
    public let kind: Kind

    /// An event.
    public init(timestamp: Duration, path: ChildPath, kind: Kind) {
        self.timestamp = timestamp
        self.path = path
        self.kind = kind
    }

    /// `1.250000s root/cluster/replica-1 exited signaled(SIGKILL)`.
    public var description: String { "\(formatSeconds(timestamp)) \(path) \(kind)" }
}

extension SupervisorEvent.Kind: CustomStringConvertible {
    /// `started pid 4242`, `exited failed(refused) during initialization`, `restart in 0.200000s
    /// (attempt 2)` …
    public var description: String {
        switch self {
        case .started(let processID?): return "started pid \(processID)"
        case .started(nil): return "started"
        case .ready: return "ready"
        case .exited(let reason, let duringInitialization):
            return "exited \(reason)" + (duringInitialization ? " during initialization" : "")
        case .restartScheduled(let delay, let attempt):
            return "restart in \(formatSeconds(delay)) (attempt \(attempt))"
        case .intensityExceeded(let restarts, let period):
            return "intensity exceeded: \(restarts) restarts within \(formatSeconds(period))"
        case .signalReceived(let signal): return "received \(signal)"
        case .shutdownBegan(let cause): return "shutdown began (\(cause))"
        case .shutdownCompleted(nil): return "shutdown completed"
        case .shutdownCompleted(let error?): return "shutdown completed with error: \(error)"
        }
    }
}

/// `12.345678s`: seconds with microsecond digits.
func formatSeconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let microseconds = attoseconds / 1_000_000_000_000
    let digits = String(microseconds)
    return "\(seconds).\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)s"
}

/// Fans events out to every subscriber; shared by all supervisors of one tree.
final class EventHub: Sendable {
    private struct State {
        var handlers: [@Sendable (SupervisorEvent) -> Void] = []
        var subscribers: [Int: AsyncStream<SupervisorEvent>.Continuation] = [:]
        var nextSubscriberID = 0
        var finished = false
    }

    let clock: any SupervisionClock
    private let state = Mutex(State())
    private let droppedCount = Atomic<Int>(0)

    init(clock: any SupervisionClock) {
        self.clock = clock
    }

    /// Events dropped because a subscriber's buffer was full.
    var droppedEvents: Int { droppedCount.load(ordering: .relaxed) }

    func subscribe(capacity: Int) -> AsyncStream<SupervisorEvent> {
        precondition(capacity > 0, "an event subscription needs room for at least one event")
        let (stream, continuation) = AsyncStream.makeStream(
            of: SupervisorEvent.self,
            bufferingPolicy: .bufferingOldest(capacity)
        )
        let subscriberID: Int? = state.withLock { state in
            if state.finished { return nil }
            defer { state.nextSubscriberID += 1 }
            state.subscribers[state.nextSubscriberID] = continuation
            return state.nextSubscriberID
        }
        if let subscriberID {
            continuation.onTermination = { [weak self] _ in
                _ = self?.state.withLock { $0.subscribers.removeValue(forKey: subscriberID) }
            }
        } else {
            continuation.finish()
        }
        return stream
    }

    /// Publishes an event. The timestamp is read and the event fanned out under one lock, so
    /// every subscriber sees the whole tree's events in timestamp order. (Yielding to an
    /// AsyncStream only enqueues; it never calls back into this hub.)
    func emit(_ path: ChildPath, _ kind: SupervisorEvent.Kind) {
        let dropped: Int = state.withLock { state in
            if state.subscribers.isEmpty && state.handlers.isEmpty { return 0 }
            let event = SupervisorEvent(timestamp: clock.now, path: path, kind: kind)
            for handler in state.handlers { handler(event) }
            var dropped = 0
            for subscriber in state.subscribers.values {
                if case .dropped = subscriber.yield(event) { dropped += 1 }
            }
            return dropped
        }
        if dropped > 0 { droppedCount.add(dropped, ordering: .relaxed) }
    }

    func addHandler(_ handler: @escaping @Sendable (SupervisorEvent) -> Void) {
        state.withLock { state in
            precondition(state.handlers.count < 64, "more than 64 event handlers on one tree")
            state.handlers.append(handler)
        }
    }

    /// Ends every subscription (after the root supervisor stopped).
    func finish() {
        let subscribers: [AsyncStream<SupervisorEvent>.Continuation] = state.withLock { state in
            state.finished = true
            defer { state.subscribers.removeAll() }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
