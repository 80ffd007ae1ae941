// Real traffic on 127.0.0.1 for the kernel suite: a TCP echo server on its own thread, round
// trips measured over one connection, and a UDP burst counted at the receiver.

import Foundation
import Glibc

/// A failure of the test's own sockets.
struct SocketFailure: Error, CustomStringConvertible {
    var operation: String
    var code: Int32 = errno
    var description: String { "\(operation): errno \(code)" }
}

private func loopbackAddress(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    return address
}

private func bind(_ socket: Int32, port: UInt16) throws -> UInt16 {
    var address = loopbackAddress(port: port)
    var one: Int32 = 1
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            Glibc.bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard bound == 0 else { throw SocketFailure(operation: "bind") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            getsockname(socket, $0, &length)
        }
    }
    return UInt16(bigEndian: address.sin_port)
}

/// Echoes every byte back on each accepted connection, until `stop()`.
final class EchoServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32

    init() throws {
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw SocketFailure(operation: "socket") }
        port = try bind(listener, port: 0)
        guard listen(listener, 16) == 0 else { throw SocketFailure(operation: "listen") }
        let listener = self.listener
        Thread.detachNewThread {
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 { return }
                Thread.detachNewThread {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while true {
                        let count = read(connection, &buffer, buffer.count)
                        if count <= 0 || write(connection, buffer, count) != count { break }
                    }
                    close(connection)
                }
            }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}

/// One TCP connection to 127.0.0.1:`port` that measures round trips.
final class EchoClient {
    private let socket: Int32

    init(port: UInt16) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw SocketFailure(operation: "socket") }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, 4)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = loopbackAddress(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw SocketFailure(operation: "connect") }
    }

    deinit { close(socket) }

    /// Sends one byte and waits for it to come back; returns the round trip in milliseconds.
    func roundTripMs() throws -> Double {
        var byte: UInt8 = 42
        let start = ContinuousClock.now
        guard write(socket, &byte, 1) == 1 else { throw SocketFailure(operation: "write") }
        guard read(socket, &byte, 1) == 1 else { throw SocketFailure(operation: "read") }
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.attoseconds) / 1e15
            + Double(elapsed.components.seconds) * 1000
    }

    /// The smallest of `count` round trips (the least disturbed by scheduling noise).
    func minimumRoundTripMs(count: Int = 10) throws -> Double {
        var best = Double.infinity
        for _ in 0..<count { best = min(best, try roundTripMs()) }
        return best
    }
}

/// True when a TCP connection to 127.0.0.1:`port` is established within `timeoutMs`.
func canConnect(port: UInt16, timeoutMs: Int32) throws -> Bool {
    let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
    guard client >= 0 else { throw SocketFailure(operation: "socket") }
    defer { close(client) }
    var address = loopbackAddress(port: port)
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    var descriptor = pollfd(fd: client, events: Int16(POLLOUT), revents: 0)
    guard poll(&descriptor, 1, timeoutMs) == 1 else { return false }
    var error: Int32 = 0
    var length = socklen_t(4)
    getsockopt(client, SOL_SOCKET, SO_ERROR, &error, &length)
    return error == 0
}

/// Sends `count` UDP datagrams over loopback and returns how many arrived.
func udpDelivered(count: Int) throws -> Int {
    let receiver = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    let sender = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    defer {
        close(receiver)
        close(sender)
    }
    guard receiver >= 0, sender >= 0 else { throw SocketFailure(operation: "socket") }
    var bufferBytes: Int32 = 8 << 20
    setsockopt(receiver, SOL_SOCKET, SO_RCVBUF, &bufferBytes, 4)
    let port = try bind(receiver, port: 0)
    var address = loopbackAddress(port: port)
    var payload = [UInt8](repeating: 7, count: 32)
    var received = 0
    var buffer = [UInt8](repeating: 0, count: 64)
    for index in 0..<count {
        let sent = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(
                    sender,
                    &payload,
                    payload.count,
                    0,
                    $0,
                    socklen_t(MemoryLayout<sockaddr_in>.size)
                )
            }
        }
        guard sent == payload.count else { throw SocketFailure(operation: "sendto") }
        // Drain as we go so the receive buffer never overflows (that would be loss we did not
        // ask for).
        if index % 50 == 49 {
            while recv(receiver, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0 { received += 1 }
        }
    }
    var timeout = timeval(tv_sec: 0, tv_usec: 300_000)
    setsockopt(receiver, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    while recv(receiver, &buffer, buffer.count, 0) > 0 { received += 1 }
    return received
}
