// The upstream of the soak: a SwiftNIO server on 127.0.0.1 that writes back every byte it
// reads, so a client can compare what returns through the proxy with what it sent.

import NIOCore
import NIOPosix

/// Writes every inbound buffer back on the same channel.
private final class EchoHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// A running echo server.
struct EchoServer {
    let channel: any Channel
    let group: MultiThreadedEventLoopGroup

    var port: Int { channel.localAddress?.port ?? 0 }

    static func start() async throws -> EchoServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(EchoHandler())
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return EchoServer(channel: channel, group: group)
    }

    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}
