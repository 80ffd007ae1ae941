// The supervisor's public face: `run()` starts the children in order and returns when the
// supervisor has stopped them all (in reverse order); the control calls (start, terminate,
// restart, delete a child; snapshots; reaching a nested supervisor or a child's process) are
// messages to the one loop that owns the state, so no call ever races another.
//
//     let root = Supervisor(SupervisorSpec(name: "root", children: [...]))
//     let events = root.events()
//     async let stopped: Void = root.run(handlingTerminationSignals: true)
//     try await root.waitUntilReady()

public import ProcessControl
import Synchronization

/// An OTP-style supervisor of async tasks, OS processes and nested supervisors.
public final class Supervisor: Sendable {
    /// This supervisor's place in the tree (`root`, `root/cluster` …).
    public let path: ChildPath
    let spec: SupervisorSpec
    let hub: EventHub
    let isRoot: Bool
    let mailbox: Mailbox
    /// Set when the initial start completes (or fails).
    let readiness = OneShot<Result<Void, SupervisorError>>()
    /// Set when a brutal shutdown is requested; every stop in progress races against it.
    let brutal = OneShot<Void>()
    private let started = Atomic<Bool>(false)
    private let onReady: (@Sendable () -> Void)?

    /// A root supervisor. Nothing starts until `run()`.
    public convenience init(_ spec: SupervisorSpec, clock: any SupervisionClock = MonotonicClock())
    {
        self.init(
            spec: spec,
            path: ChildPath([spec.name]),
            hub: EventHub(clock: clock),
            isRoot: true,
            onReady: nil
        )
    }

    init(
        spec: SupervisorSpec,
        path: ChildPath,
        hub: EventHub,
        isRoot: Bool,
        onReady: (@Sendable () -> Void)?
    ) {
        self.spec = spec
        self.path = path
        self.hub = hub
        self.isRoot = isRoot
        self.onReady = onReady
        self.mailbox = Mailbox()
    }

    /// The tree's clock.
    public var clock: any SupervisionClock { hub.clock }

    /// A new subscription to the lifecycle events of this supervisor's whole tree (every
    /// supervisor of a tree shares one stream source). Subscribe before `run()` to see every
    /// event. The stream ends when the root supervisor has stopped. At most `capacity` events
    /// wait unread; later ones are dropped and counted in `droppedEventCount`.
    public func events(capacity: Int = 65_536) -> AsyncStream<SupervisorEvent> {
        hub.subscribe(capacity: capacity)
    }

    /// Calls `handler` for every lifecycle event of this supervisor's tree, synchronously, in
    /// order, before the supervisor goes on (so when a control call or `waitUntilReady()`
    /// returns, the handler has seen every event leading to it). It runs under the tree's event
    /// lock: keep it short and non-blocking (append to a buffer, bump a counter, post to a
    /// queue); it may call `shutdown()` but must not await anything. Register before `run()`
    /// to see every event. At most 64 handlers per tree.
    public func onEvent(_ handler: @escaping @Sendable (SupervisorEvent) -> Void) {
        hub.addHandler(handler)
    }

    /// Events dropped because some subscriber did not keep up.
    public var droppedEventCount: Int { hub.droppedEvents }

    /// Starts the children in order (each ready before the next starts) and supervises them
    /// until shutdown; returns when every child has been stopped, in reverse start order.
    ///
    /// Cancelling the calling task requests a graceful shutdown, which then runs to completion:
    /// cancellation cannot skip stopping a child. With `handlingTerminationSignals`, SIGINT and
    /// SIGTERM are caught while it runs: the first shuts down gracefully, the second brutally
    /// (only for the program that owns the process; the old dispositions come back afterwards).
    ///
    /// - Throws: `SupervisorError` when the spec is invalid, a child failed before it was ready
    ///   (the error names its path), or restart intensity was exceeded.
    ///
    /// - Parameter terminationSignals: a watcher the program set up earlier (for example as
    ///   its first step, so that a signal arriving before the supervisor runs is kept and acted
    ///   on here); it is used as `handlingTerminationSignals` would be, and stopped at the end.
    public func run(
        handlingTerminationSignals: Bool = false,
        terminationSignals: SignalWatcher? = nil
    ) async throws(SupervisorError) {
        let signalWatcher =
            terminationSignals.map { TerminationSignalWatcher(self, watcher: $0) }
            ?? (handlingTerminationSignals ? TerminationSignalWatcher(self) : nil)
        // The loop runs in an unstructured task so the caller's cancellation does not cancel
        // the waits inside an orderly shutdown.
        let loop = Task { await self.runLoop() }
        let result = await withTaskCancellationHandler {
            await loop.value
        } onCancel: {
            self.shutdown()
        }
        signalWatcher?.stop()
        try result.get()
    }

    /// Runs the loop once; the result is what `run()` throws or returns.
    func runLoop() async -> Result<Void, SupervisorError> {
        let (exchanged, _) = started.compareExchange(
            expected: false,
            desired: true,
            ordering: .acquiringAndReleasing
        )
        precondition(exchanged, "a Supervisor runs once; make a new one to run again")
        let core = SupervisorCore(owner: self)
        let result = await core.run()
        if isRoot { hub.finish() }
        return result
    }

    /// Returns once every initial child is ready. Throws if the supervisor failed or was shut
    /// down before that.
    public func waitUntilReady() async throws(SupervisorError) {
        guard let result = await readiness.wait() else { throw .notRunning(path) }
        try result.get()
    }

    /// Asks the supervisor to stop all children in reverse start order and return from `run()`.
    /// With `brutally`, every child is killed at once whatever its shutdown policy (also when a
    /// graceful shutdown is already under way). Returns at once; `run()` returns when done.
    public func shutdown(brutally: Bool = false) {
        if brutally {
            brutal.fulfil(())
            mailbox.post(.shutdown(cause: .brutal))
        } else {
            mailbox.post(.shutdown(cause: .requested))
        }
    }

    func shutdown(signal: Signal, brutally: Bool) {
        if brutally { brutal.fulfil(()) }
        mailbox.post(.shutdown(cause: brutally ? .brutal : .signal(signal)))
    }

    func notifyReady() { onReady?() }

    // MARK: run-time control

    /// Adds a child and starts it (after any child still starting); returns its path once it
    /// is ready. A child that fails before ready is left stopped and the error is thrown; the
    /// supervisor carries on.
    @discardableResult
    public func startChild(_ spec: ChildSpec) async throws(SupervisorError) -> ChildPath {
        try await request { .startChild(spec, $0) }
    }

    /// For `.dynamic` supervisors: makes a child from the template with these arguments and
    /// starts it; returns its path once it is ready.
    @discardableResult
    public func startChild(
        arguments: [String] = [],
        id: String? = nil
    ) async throws(SupervisorError) -> ChildPath {
        try await request { .startDynamicChild(arguments: arguments, id: id, $0) }
    }

    /// Stops a child with its shutdown policy (or `shutdown` instead, e.g. `.brutalKill`) and
    /// keeps its spec; the supervisor does not restart it. Returns how it ended (`.shutdown` or
    /// `.killed`, or its own reason if it ended first). Stopping a stopped child returns nil.
    @discardableResult
    public func terminateChild(
        _ id: String,
        shutdown: ShutdownPolicy? = nil
    ) async throws(SupervisorError) -> ExitReason? {
        try await request { .terminateChild(id: id, policy: shutdown, $0) }
    }

    /// Starts a stopped child again (any restart type); returns once it is ready.
    public func restartChild(_ id: String) async throws(SupervisorError) {
        try await request { .restartChild(id: id, $0) }
    }

    /// Removes a stopped child's spec.
    public func deleteChild(_ id: String) async throws(SupervisorError) {
        try await request { .deleteChild(id: id, $0) }
    }

    /// Every child, in start order (OTP's which_children).
    public func whichChildren() async throws(SupervisorError) -> [ChildSnapshot] {
        try await request { .whichChildren($0) }
    }

    /// Child counts (OTP's count_children).
    public func countChildren() async throws(SupervisorError) -> ChildCounts {
        try await request { .countChildren($0) }
    }

    /// The running nested supervisor at `ids` below this one (e.g. `["cluster"]`).
    public func supervisor(at ids: [String]) async throws(SupervisorError) -> Supervisor {
        var current = self
        for id in ids {
            current = try await current.request { .nestedSupervisor(id: id, $0) }
        }
        return current
    }

    /// The running OS process of a process child, to signal, suspend or resume it.
    public func process(of id: String) async throws(SupervisorError) -> ChildProcess {
        try await request { .process(id: id, $0) }
    }

    private func request<Value: Sendable>(
        _ make: (Reply<Value>) -> ControlRequest
    ) async throws(SupervisorError) -> Value {
        let reply = Reply<Value>()
        if !mailbox.post(.control(make(reply))) {
            throw .notRunning(path)
        }
        guard let result = await reply.result.wait() else { throw .notRunning(path) }
        return try result.get()
    }
}
