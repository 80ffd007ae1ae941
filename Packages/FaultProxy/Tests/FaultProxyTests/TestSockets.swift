// Real-socket fixtures for the FaultProxy tests: an NIO echo server that honours half-close and
// back-pressure, a closed port, threads for concurrent blocking clients, test data and an fd
// counter.

import Foundation
import NIOCore
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Echoes every byte back; on EOF it finishes echoing, then half-closes its own output.
final class EchoHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var readHeld = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            let promise = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(NIOAny(ByteBuffer()), promise: promise)
            promise.futureResult.assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            readHeld = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable && readHeld {
            readHeld = false
            context.read()
        }
    }
}

/// An echo server on 127.0.0.1 with an ephemeral port.
struct EchoServer {
    let channel: any Channel
    /// Where the server listens.
    let address: SocketAddress

    static func start(on group: any EventLoopGroup) async throws -> EchoServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let address = try #require(channel.localAddress)
        return EchoServer(channel: channel, address: address)
    }

    func stop() async {
        try? await channel.close()
    }
}

/// A TCP port on 127.0.0.1 with nothing listening on it.
func closedPort() throws -> SocketAddress {
    let socket = try BlockingSocket.listening()
    let port = socket.localPort
    socket.close()
    return try SocketAddress(ipAddress: "127.0.0.1", port: port)
}

/// Runs `body(index)` on `count` new threads (blocking socket work must not occupy the
/// cooperative pool) and returns the errors thrown, if any.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) async -> [String] {
    await withCheckedContinuation { (continuation: CheckedContinuation<[String], Never>) in
        let lock = NSLock()
        nonisolated(unsafe) var remaining = count
        nonisolated(unsafe) var failures: [String] = []
        for index in 0..<count {
            let thread = Thread {
                var failure: String?
                do {
                    try body(index)
                } catch {
                    failure = "thread \(index): \(error)"
                }
                lock.lock()
                if let failure { failures.append(failure) }
                remaining -= 1
                let done = remaining == 0
                lock.unlock()
                if done { continuation.resume(returning: failures) }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}

/// Deterministic pseudo-random bytes (xorshift64, written a word at a time: debug builds are slow
/// byte by byte).
func randomBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed &+ 0x9E37_79B9_7F4A_7C15
    let words = (count + 7) / 8
    var bytes = [UInt8](repeating: 0, count: words * 8)
    bytes.withUnsafeMutableBytes { raw in
        let pointer = raw.bindMemory(to: UInt64.self)
        for index in 0..<words {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            pointer[index] = state
        }
    }
    bytes.removeLast(words * 8 - count)
    return bytes
}

/// Open file descriptors of this process.
func openFileDescriptorCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
}

/// This process's open TCP sockets with a local or remote port in `ports`: unlike a count of
/// every descriptor, it is not disturbed by other tests running in the same process.
func openSocketCount(touching ports: Set<Int>) -> Int {
    var inodes = Set<String>()
    for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
        let text = procFileText(table)
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 9 else { continue }
            let localPort = fields[1].split(separator: ":").last.flatMap { Int($0, radix: 16) }
            let remotePort = fields[2].split(separator: ":").last.flatMap { Int($0, radix: 16) }
            if ports.contains(localPort ?? -1) || ports.contains(remotePort ?? -1) {
                inodes.insert("socket:[\(fields[9])]")
            }
        }
    }
    let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return descriptors.filter { descriptor in
        let target = try? FileManager.default.destinationOfSymbolicLink(
            atPath: "/proc/self/fd/\(descriptor)"
        )
        return target.map { inodes.contains($0) } ?? false
    }.count
}

/// The whole text of a /proc file (up to 64 MiB). Foundation's `String(contentsOfFile:)` stops
/// after the first page of these files (their size is 0), and a busy host's socket table is
/// megabytes long.
func procFileText(_ path: String) -> String {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return "" }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while bytes.count < 64 * 1024 * 1024 {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { break }
        bytes += chunk[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Polls `condition` every 20 ms for up to `seconds`.
func eventually(seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}
