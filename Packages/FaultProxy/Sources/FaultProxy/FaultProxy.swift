// FaultProxy: a userspace TCP proxy on SwiftNIO in front of one upstream (one replica port), whose
// faults change at run time without dropping connections. Several proxies share one
// MultiThreadedEventLoopGroup; each connection lives on one event loop. The harness drives it:
//
//     let proxy = try await FaultProxy.start(listen: .init(ipAddress: "127.0.0.1", port: 0),
//                                            upstream: replicaAddress, seed: 42, on: group)
//     try await proxy.setFaults(.both(DirectionFaults(delay: .milliseconds(50))))
//     await proxy.resetConnections(); print(proxy.counters); await proxy.stop()
//
// Given a `ConnectionClassifier`, a proxy also tells connections apart by source (e.g. which
// replica opened them) and cuts those of `ProxyFaults.isolatedSources`.
//
// Semantics of every fault: docs/fault-proxy.md.

public import NIOCore
import NIOPosix
import Synchronization

/// Tells which source an accepted connection comes from, given the client's address (`peer`) and
/// the address it connected to (`local`); nil when it is none of the sources the owner tells
/// apart. Called once per connection on NIO's blocking thread pool (never on an event loop), so
/// it may block briefly on I/O such as reading /proc; nothing is forwarded until it returns.
public typealias ConnectionClassifier =
    @Sendable (_ peer: SocketAddress, _ local: SocketAddress) -> Int?

/// A TCP proxy with runtime-adjustable faults (delay, corruption, bandwidth, clog, down, reset).
public final class FaultProxy: Sendable {
    /// Where connections are forwarded.
    public let upstream: SocketAddress
    /// The seed of every fault decision of this proxy.
    public let seed: UInt64
    /// Tells the source of each accepted connection; nil: every connection is of no source.
    let classifier: ConnectionClassifier?
    let counterCells = ProxyCounterCells()
    private let group: any EventLoopGroup
    /// Whether `stop()` shuts `group` down (the proxy created it).
    private let ownsGroup: Bool
    private let state: Mutex<State>

    private struct State: Sendable {
        var faults: ProxyFaults
        var generation = 0
        var connections: [ObjectIdentifier: Registered] = [:]
        /// Accepted connections whose source is being classified (not admitted yet).
        var classifying: [ObjectIdentifier: ProxyConnection] = [:]
        var nextOrdinal: UInt64 = 0
        var serverChannel: (any Channel)?
        var listenAddress: SocketAddress?
        var stopped = false
    }

    /// An admitted connection and the source it was classified as.
    private struct Registered: Sendable {
        let connection: ProxyConnection
        let source: Int?
    }

    /// What a newly accepted connection starts with.
    struct Admission {
        let ordinal: UInt64
        let faults: ProxyFaults
        let generation: Int
    }

    private init(
        upstream: SocketAddress,
        seed: UInt64,
        faults: ProxyFaults,
        classifier: ConnectionClassifier?,
        group: any EventLoopGroup,
        ownsGroup: Bool
    ) {
        self.upstream = upstream
        self.seed = seed
        self.classifier = classifier
        self.group = group
        self.ownsGroup = ownsGroup
        self.state = Mutex(State(faults: faults))
    }

    /// Starts a proxy listening on `listen` (port 0 picks a free port: read `port`) that forwards
    /// every connection to `upstream`.
    /// - Parameters:
    ///   - listen: The address to listen on.
    ///   - upstream: Where each accepted connection is forwarded.
    ///   - seed: Seed of the fault decisions; the same seed and traffic give the same decisions.
    ///   - faults: Faults active from the start.
    ///   - classifier: Tells the source of each accepted connection, for
    ///     `ProxyFaults.isolatedSources`; without one no connection has a source.
    ///   - group: Event loops to run on; share one group between all proxies of a process.
    public static func start(
        listen: SocketAddress,
        upstream: SocketAddress,
        seed: UInt64,
        faults: ProxyFaults = .none,
        classifier: ConnectionClassifier? = nil,
        on group: any EventLoopGroup
    ) async throws -> FaultProxy {
        try await start(
            listen: listen,
            upstream: upstream,
            seed: seed,
            faults: faults,
            classifier: classifier,
            on: group,
            ownsGroup: false
        )
    }

    static func start(
        listen: SocketAddress,
        upstream: SocketAddress,
        seed: UInt64,
        faults: ProxyFaults,
        classifier: ConnectionClassifier?,
        on group: any EventLoopGroup,
        ownsGroup: Bool
    ) async throws -> FaultProxy {
        precondition(faults.isValid, "invalid faults: \(faults)")
        let proxy = FaultProxy(
            upstream: upstream,
            seed: seed,
            faults: faults,
            classifier: classifier,
            group: group,
            ownsGroup: ownsGroup
        )
        // Bind even when starting refused, so that the port is reserved and known; a refusing
        // proxy closes its listener right after.
        try await proxy.listen(on: listen)
        return proxy
    }

    /// The address the proxy listens on, with the real port when started with port 0. It stays
    /// the same while the proxy refuses connections (`down: .refuse`) and after it heals.
    public var listenAddress: SocketAddress {
        state.withLock { state in
            guard let address = state.listenAddress else {
                preconditionFailure("listenAddress read before the proxy started")
            }
            return address
        }
    }

    /// The TCP port the proxy listens on.
    public var port: Int {
        listenAddress.port ?? 0
    }

    /// The faults in force.
    public var faults: ProxyFaults {
        state.withLock { $0.faults }
    }

    /// A snapshot of the counters since start.
    public var counters: ProxyCounters {
        counterCells.snapshot
    }

    /// How many open connections each classified source has (sources with none are absent;
    /// connections of no source are not counted).
    public var openConnectionsBySource: [Int: Int] {
        state.withLock { state in
            var counts: [Int: Int] = [:]
            for registered in state.connections.values {
                if let source = registered.source {
                    counts[source, default: 0] += 1
                }
            }
            return counts
        }
    }

    /// Replaces the faults. Established connections keep running and take the new faults for
    /// every chunk read from now on; chunks already delayed keep their release time, and a lifted
    /// clog delivers everything held. Setting `down` closes established connections; `.refuse`
    /// also stops listening until `down` is cleared. Connections whose source is in
    /// `isolatedSources` are closed. Returns once every connection applied it.
    public func setFaults(_ faults: ProxyFaults) async throws {
        precondition(faults.isValid, "invalid faults: \(faults)")
        let (generation, connections, previousDown, stopped) = state.withLock { state in
            let previousDown = state.faults.down
            state.faults = faults
            state.generation += 1
            return (state.generation, Array(state.connections.values), previousDown, state.stopped)
        }
        guard !stopped else { return }
        if faults.down == .refuse && previousDown != .refuse {
            let server = state.withLock { state in
                defer { state.serverChannel = nil }
                return state.serverChannel
            }
            try? await server?.close()
        }
        var applied: [EventLoopFuture<Void>] = []
        applied.reserveCapacity(connections.count)
        for registered in connections {
            let connection = registered.connection
            let cut = faults.cuts(source: registered.source)
            let sourceIsolated = cut && faults.down == nil
            applied.append(
                connection.eventLoop.submit {
                    connection.apply(faults, generation: generation)
                    if cut {
                        connection.cut(sourceIsolated: sourceIsolated)
                    }
                }
            )
        }
        try? await EventLoopFuture.andAllComplete(applied, on: group.any()).get()
        if faults.down != .refuse && previousDown == .refuse {
            try await listen(on: listenAddress)
        }
    }

    /// Closes every established connection with an RST (SO_LINGER 0) on both sockets: the client
    /// and the upstream both see ECONNRESET. New connections are accepted as usual.
    public func resetConnections() async {
        await resetConnections { _ in true }
    }

    /// Resets (as `resetConnections()`) every established connection of `source` only.
    public func resetConnections(source: Int) async {
        await resetConnections { $0 == source }
    }

    private func resetConnections(where chosen: (Int?) -> Bool) async {
        let connections = state.withLock { state in
            state.connections.values.filter { chosen($0.source) }.map(\.connection)
        }
        let done = connections.map { connection in
            connection.eventLoop.submit { connection.reset() }
        }
        try? await EventLoopFuture.andAllComplete(done, on: group.any()).get()
    }

    /// Stops listening and closes every established connection; returns when all are closed.
    /// Later calls do nothing.
    public func stop() async {
        let (wasStopped, server, connections) = state.withLock { state in
            defer {
                state.stopped = true
                state.serverChannel = nil
            }
            let connections =
                state.connections.values.map(\.connection) + Array(state.classifying.values)
            return (state.stopped, state.serverChannel, connections)
        }
        guard !wasStopped else { return }
        try? await server?.close()
        let finished = connections.map { connection in
            connection.eventLoop.submit { connection.close() }.flatMap {
                connection.finishedFuture
            }
        }
        try? await EventLoopFuture.andAllComplete(finished, on: group.any()).get()
        if ownsGroup {
            try? await group.shutdownGracefully()
        }
    }

    /// Notes that an accepted connection waits for its source, so that `stop()` waits for it
    /// too; returns `false` when the proxy is stopped.
    func beginClassifying(_ connection: ProxyConnection) -> Bool {
        state.withLock { state in
            guard !state.stopped else { return false }
            state.classifying[ObjectIdentifier(connection)] = connection
            return true
        }
    }

    /// The source of a connection is known (it is admitted or rejected next).
    func endClassifying(_ connection: ProxyConnection) {
        let removed = state.withLock {
            $0.classifying.removeValue(forKey: ObjectIdentifier(connection))
        }
        precondition(removed != nil, "classification ended twice")
    }

    /// Registers an accepted connection of `source`, or returns `nil` when it must be closed at
    /// once (the proxy is down or stopping, or the source is isolated).
    func admit(_ connection: ProxyConnection, source: Int?) -> Admission? {
        counterCells.add(.connectionsAccepted)
        let (admission, sourceIsolated): (Admission?, Bool) = state.withLock { state in
            guard !state.stopped, !state.faults.cuts(source: source) else {
                return (nil, !state.stopped && state.faults.down == nil)
            }
            state.nextOrdinal += 1
            state.connections[ObjectIdentifier(connection)] = Registered(
                connection: connection,
                source: source
            )
            let admission = Admission(
                ordinal: state.nextOrdinal,
                faults: state.faults,
                generation: state.generation
            )
            return (admission, false)
        }
        if admission == nil {
            counterCells.add(.connectionsRejected)
            if sourceIsolated {
                counterCells.add(.connectionsIsolated)
            }
        } else {
            counterCells.add(.connectionsOpen)
        }
        return admission
    }

    /// Counts a connection whose client left while its source was being classified.
    func rejectAbandoned() {
        counterCells.add(.connectionsAccepted)
        counterCells.add(.connectionsRejected)
    }

    /// Forgets a connection whose sockets are both closed.
    func unregister(_ connection: ProxyConnection) {
        let removed = state.withLock {
            $0.connections.removeValue(forKey: ObjectIdentifier(connection))
        }
        precondition(removed != nil, "connection unregistered twice")
        counterCells.add(.connectionsOpen, -1)
    }

    private func listen(on address: SocketAddress) async throws {
        let channel = try await Self.bind(address, group: group) { [self] channel in
            channel.eventLoop.makeCompletedFuture {
                _ = try ProxyConnection(clientChannel: channel, proxy: self)
            }
        }
        let stale: (any Channel)? = state.withLock { state in
            if state.listenAddress == nil {
                state.listenAddress = channel.localAddress
            }
            if state.stopped || state.faults.down == .refuse {
                return channel
            }
            state.serverChannel = channel
            return nil
        }
        try? await stale?.close()
    }

    private static func bind(
        _ address: SocketAddress,
        group: any EventLoopGroup,
        childInitializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) async throws -> any Channel {
        let bootstrap = ChannelTuning.apply(
            to: ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        )
        return try await bootstrap.childChannelInitializer(childInitializer).bind(to: address).get()
    }
}
