// The channel handler on each side (client or upstream) of a proxied connection. Reads go into
// the direction pipe fed by this side; writes come from the pipe of the other direction. Reads are
// held back (the NIO "glue" pattern: `read` is not passed on) while the pipe it feeds is full or the
// other side is not writable, so TCP back-pressure reaches the sender instead of memory growing.

import NIOCore

/// Which socket of a proxied connection a handler sits on.
enum ConnectionSide: Sendable {
    /// The accepted socket, toward the client.
    case client
    /// The socket the proxy opened toward the upstream.
    case upstream
}

/// Glues one side's channel to its connection; confined to the connection's event loop.
final class ForwardingHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let side: ConnectionSide
    /// The pipe fed by this side's reads (nil until the upstream is connected).
    private(set) var readPipe: DirectionPipe?
    /// The pipe that writes into this side.
    private(set) var writePipe: DirectionPipe?
    /// Chunks read before the pipes exist. Reads are held back until then, but NIO drains a
    /// socket completely when it sees the peer's FIN (EPOLLRDHUP), so a client that sends and
    /// half-closes at once is read before the upstream connect completes; bounded by the
    /// kernel's receive buffer.
    private var earlyChunks: [ByteBuffer] = []
    /// EOF was read before the pipes exist.
    private var earlyEndOfInput = false
    /// Told about activity and closure; cleared when the connection finishes.
    var connection: ProxyConnection?
    private var context: ChannelHandlerContext?
    private var readHeld = false
    /// A socket error (ECONNRESET, EPIPE …) was seen: the side ended abruptly, not with EOF.
    private var failed = false

    init(side: ConnectionSide, connection: ProxyConnection) {
        self.side = side
        self.connection = connection
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        connection?.sideRemoved(side)
    }

    func channelActive(context: ChannelHandlerContext) {
        connection?.sideBecameActive(side)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let readPipe {
            readPipe.receive(unwrapInboundIn(data))
        } else {
            earlyChunks.append(unwrapInboundIn(data))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        readPipe?.receiveComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            if let readPipe {
                readPipe.inputEnded()
            } else {
                earlyEndOfInput = true
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // NIO reports a peer's EOF without an error; when this side's output was already shut, the
        // EOF closes the channel directly (no `inputClosed` event), so inactive-without-error
        // counts as a clean end of input.
        connection?.sideBecameInactive(side, abruptly: failed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A socket error (ECONNRESET, EPIPE …) ends this side; closing it makes the connection
        // close the other side as well.
        failed = true
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writePipe?.outputBecameWritable()
        }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if let readPipe, readPipe.mayRead {
            context.read()
        } else {
            readHeld = true
        }
    }

    /// Connects this side to its pipes, forwards what was read before, and starts reading.
    func attach(readPipe: DirectionPipe, writePipe: DirectionPipe) {
        precondition(self.readPipe == nil, "pipes attached twice")
        precondition(self.writePipe == nil, "pipes attached twice")
        self.readPipe = readPipe
        self.writePipe = writePipe
        let chunks = earlyChunks
        earlyChunks = []
        for chunk in chunks {
            readPipe.receive(chunk)
        }
        readPipe.receiveComplete()
        if earlyEndOfInput {
            readPipe.inputEnded()
        }
        resumeReading()
    }

    /// Passes on a read that was held back, if any, once the pipe can take more.
    func resumeReading() {
        guard readHeld, let context, let readPipe, readPipe.mayRead else { return }
        readHeld = false
        context.read()
    }

    /// Whether this side's channel is below its high water mark.
    var isWritable: Bool {
        context?.channel.isWritable ?? false
    }

    func write(_ buffer: ByteBuffer) {
        context?.write(wrapOutboundOut(buffer), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    /// Half-closes (FIN) this side once everything written so far has reached the socket.
    func closeOutputAfterPendingWrites() {
        afterPendingWrites { context in
            context.close(mode: .output, promise: nil)
        }
    }

    /// Closes this side fully once everything written so far has reached the socket.
    func closeAfterPendingWrites() {
        afterPendingWrites { context in
            context.close(promise: nil)
        }
    }

    /// Closes this side at once, dropping unwritten bytes.
    func close() {
        context?.close(promise: nil)
    }

    private func afterPendingWrites(_ body: @escaping (ChannelHandlerContext) -> Void) {
        guard let context else { return }
        // Writes complete in order, so an empty write completes after every earlier one. Closing
        // directly could discard them (NIO escalates an output close to a full close when the
        // input is already shut, and a full close fails pending writes).
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer()), promise: promise)
        promise.futureResult.assumeIsolated().whenComplete { _ in
            body(context)
        }
    }
}
