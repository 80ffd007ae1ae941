// One proxied connection: the accepted client channel, the channel the proxy opens toward the
// upstream on the same event loop (so forwarding never crosses threads), and the two direction
// pipes between them. It owns the lifecycle: classify its source (when the proxy has a
// classifier), connect, forward, propagate half-close and close, reset with RST, and tell the
// proxy when both sockets are gone.

import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A client connection and its upstream counterpart. All mutable state is confined to
/// `eventLoop`; other threads reach it only through `eventLoop.execute`.
final class ProxyConnection: @unchecked Sendable {
    private enum UpstreamState {
        case notStarted
        case connecting
        case open
        case closed
    }

    let eventLoop: any EventLoop
    private let proxy: FaultProxy
    private let clientChannel: any Channel
    private var upstreamChannel: (any Channel)?
    private var clientHandler: ForwardingHandler?
    private var upstreamHandler: ForwardingHandler?
    private var toUpstream: DirectionPipe?
    private var toClient: DirectionPipe?
    private var upstreamState = UpstreamState.notStarted
    private var clientOpen = true
    private var closing = false
    private var registered = false
    /// The proxy's classifier is telling this connection's source (off the event loop).
    private var classifying = false
    private var isFinished = false
    private var faultsGeneration = 0
    /// The faults of this connection's source, both directions.
    private var pendingFaults = SourceFaults()
    /// The source the classifier told (nil: none, or no classifier).
    private var source: Int?
    private let finished: EventLoopPromise<Void>

    /// Creates the connection for an accepted client channel and installs its handler.
    init(clientChannel: any Channel, proxy: FaultProxy) throws {
        clientChannel.eventLoop.assertInEventLoop()
        self.eventLoop = clientChannel.eventLoop
        self.proxy = proxy
        self.clientChannel = clientChannel
        self.finished = clientChannel.eventLoop.makePromise(of: Void.self)
        let handler = ForwardingHandler(side: .client, connection: self)
        clientHandler = handler
        try clientChannel.pipeline.syncOperations.addHandler(handler)
    }

    /// Completes when both sockets are closed.
    var finishedFuture: EventLoopFuture<Void> { finished.futureResult }

    func sideBecameActive(_ side: ConnectionSide) {
        eventLoop.assertInEventLoop()
        guard side == .client else { return }
        precondition(upstreamState == .notStarted, "client became active twice")
        precondition(!classifying, "client became active while being classified")
        guard let classifier = proxy.classifier,
            let peer = clientChannel.remoteAddress,
            let local = clientChannel.localAddress,
            proxy.beginClassifying(self)
        else {
            admit(source: nil)
            return
        }
        // Reads stay held (no pipes yet) until the source is known, so nothing is forwarded
        // from a source that turns out to be isolated.
        classifying = true
        NIOThreadPool.singleton.runIfActive(eventLoop: eventLoop) {
            classifier(peer, local)
        }.assumeIsolated().whenComplete { result in
            self.classifying = false
            self.proxy.endClassifying(self)
            // A failed classification (the thread pool is shut down) counts as no source.
            self.admit(source: try? result.get())
        }
    }

    private func admit(source: Int?) {
        guard clientOpen, !closing else {
            // The client left, or the proxy closed it, while its source was being classified.
            proxy.rejectAbandoned()
            finishIfDone()
            return
        }
        guard let admission = proxy.admit(self, source: source) else {
            // The proxy is down (close on accept), stopping, or the source is isolated: the
            // client sees connect, then EOF.
            closing = true
            clientChannel.close(promise: nil)
            return
        }
        registered = true
        self.source = source
        pendingFaults = admission.faults.directions(for: source)
        faultsGeneration = admission.generation
        connectUpstream(ordinal: admission.ordinal)
    }

    private func connectUpstream(ordinal: UInt64) {
        upstreamState = .connecting
        let handler = ForwardingHandler(side: .upstream, connection: self)
        upstreamHandler = handler
        let boundHandler = NIOLoopBound(handler, eventLoop: eventLoop)
        let bootstrap = ChannelTuning.apply(to: ClientBootstrap(group: eventLoop))
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(boundHandler.value)
                }
            }
        bootstrap.connect(to: proxy.upstream).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel):
                self.upstreamConnected(channel, ordinal: ordinal)
            case .failure:
                // Upstream unreachable: like the original, the client sees its connection closed.
                self.upstreamState = .closed
                self.proxy.counterCells.add(.connectionsRejected)
                self.closeClient()
                self.finishIfDone()
            }
        }
    }

    private func upstreamConnected(_ channel: any Channel, ordinal: UInt64) {
        precondition(upstreamState == .connecting, "upstream connected twice")
        upstreamChannel = channel
        upstreamState = .open
        guard !closing, clientOpen, let clientHandler, let upstreamHandler else {
            channel.close(promise: nil)
            return
        }
        let seed = proxy.seed
        let toUpstream = DirectionPipe(
            direction: .toUpstream,
            from: clientHandler,
            to: upstreamHandler,
            faults: pendingFaults.toUpstream,
            random: FaultRandom(seed: seed, connectionOrdinal: ordinal, direction: .toUpstream),
            counters: proxy.counterCells,
            eventLoop: eventLoop
        )
        let toClient = DirectionPipe(
            direction: .toClient,
            from: upstreamHandler,
            to: clientHandler,
            faults: pendingFaults.toClient,
            random: FaultRandom(seed: seed, connectionOrdinal: ordinal, direction: .toClient),
            counters: proxy.counterCells,
            eventLoop: eventLoop
        )
        self.toUpstream = toUpstream
        self.toClient = toClient
        clientHandler.attach(readPipe: toUpstream, writePipe: toClient)
        upstreamHandler.attach(readPipe: toClient, writePipe: toUpstream)
    }

    /// One socket closed. After a clean end (EOF) the bytes queued toward the other side are
    /// still delivered, then the other side is closed; after an error (e.g. the peer reset) the
    /// other side is reset too, so a crashed peer looks crashed through the proxy; when the proxy
    /// itself is closing the connection (stop, down, reset) it is closed at once.
    func sideBecameInactive(_ side: ConnectionSide, abruptly: Bool) {
        eventLoop.assertInEventLoop()
        switch side {
        case .client:
            guard clientOpen else { return }
            clientOpen = false
            toClient?.shutDown()
            if closing {
                closeUpstream()
            } else if let toUpstream, !abruptly {
                toUpstream.inputClosed()
            } else if abruptly, let upstreamChannel, upstreamState == .open {
                Self.closeWithReset(upstreamChannel)
            } else {
                closeUpstream()
            }
        case .upstream:
            guard upstreamState == .open else { return }
            upstreamState = .closed
            toUpstream?.shutDown()
            if closing {
                closeClient()
            } else if let toClient, !abruptly {
                toClient.inputClosed()
            } else if abruptly, clientOpen {
                Self.closeWithReset(clientChannel)
            } else {
                closeClient()
            }
        }
        finishIfDone()
    }

    /// A handler left its pipeline (its channel is gone): if the channel never reported itself
    /// inactive (it never became active), count it as closed so the connection still finishes.
    func sideRemoved(_ side: ConnectionSide) {
        eventLoop.assertInEventLoop()
        switch side {
        case .client where clientOpen:
            sideBecameInactive(.client, abruptly: true)
        case .upstream where upstreamState == .open:
            sideBecameInactive(.upstream, abruptly: true)
        case .client, .upstream:
            break
        }
    }

    /// Applies a new fault set, unless a newer one already arrived.
    func apply(_ faults: ProxyFaults, generation: Int) {
        eventLoop.assertInEventLoop()
        guard generation > faultsGeneration else { return }
        faultsGeneration = generation
        pendingFaults = faults.directions(for: source)
        toUpstream?.apply(pendingFaults.toUpstream)
        toClient?.apply(pendingFaults.toClient)
    }

    /// Closes the connection because the faults cut it: the proxy went down, or (when
    /// `sourceIsolated`) its source was isolated.
    func cut(sourceIsolated: Bool) {
        eventLoop.assertInEventLoop()
        if sourceIsolated && !closing && clientOpen {
            proxy.counterCells.add(.connectionsIsolated)
        }
        close()
    }

    /// Closes both sockets with FIN, dropping anything still queued.
    func close() {
        eventLoop.assertInEventLoop()
        closing = true
        closeClient()
        closeUpstream()
    }

    /// Closes both sockets with RST (SO_LINGER 0), as a crashed or rebooted peer would.
    func reset() {
        eventLoop.assertInEventLoop()
        guard !closing else { return }
        closing = true
        proxy.counterCells.add(.connectionsReset)
        for channel in [clientChannel, upstreamChannel].compactMap({ $0 }) {
            Self.closeWithReset(channel)
        }
    }

    /// Closes with SO_LINGER 0, so the kernel sends RST instead of FIN.
    private static func closeWithReset(_ channel: any Channel) {
        if let options = channel as? any SocketOptionProvider {
            _ = options.setSoLinger(linger(l_onoff: 1, l_linger: 0))
        }
        channel.close(promise: nil)
    }

    private func closeClient() {
        if clientOpen {
            clientChannel.close(promise: nil)
        }
    }

    private func closeUpstream() {
        switch upstreamState {
        case .open:
            upstreamChannel?.close(promise: nil)
        case .connecting:
            closing = true  // the connect completion closes the channel
        case .notStarted, .closed:
            break
        }
    }

    private func finishIfDone() {
        guard !isFinished, !classifying else { return }
        guard !clientOpen else { return }
        guard upstreamState == .closed || upstreamState == .notStarted else { return }
        // Break the reference cycles between handlers, pipes and this connection.
        toUpstream?.shutDown()
        toClient?.shutDown()
        clientHandler?.connection = nil
        upstreamHandler?.connection = nil
        clientHandler = nil
        upstreamHandler = nil
        toUpstream = nil
        toClient = nil
        if registered {
            registered = false
            proxy.unregister(self)
        }
        isFinished = true
        finished.succeed(())
    }
}
