// Blocking IPv4 loopback sockets on plain syscalls for the proxy partition tests, independent of
// the SwiftNIO code under test (a client may bind a replica's own address, 127.1.0.(i+1), as its
// source, which the host's loopback accepts); plus helpers to run blocking work off the
// cooperative pool and to wait for a condition.

import Foundation
import ProcessControl
import Testing

@testable import VortexHarness

#if canImport(Glibc)
import Glibc
#endif

struct LoopbackSocketFailure: Error, CustomStringConvertible {
    let operation: String
    let code: Int32
    var description: String { "\(operation) failed: \(String(cString: strerror(code)))" }
}

/// A blocking TCP socket on 127.0.0.1.
final class LoopbackSocket: @unchecked Sendable {
    let fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    /// A socket listening on 127.0.0.1:`port` (0: an ephemeral port).
    static func listening(port: Int = 0) throws -> LoopbackSocket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoopbackSocketFailure(operation: "socket", code: errno) }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw LoopbackSocketFailure(operation: "bind", code: code)
        }
        return LoopbackSocket(fd: fd)
    }

    /// A socket connected to 127.0.0.1:`port`, from `source` (any port) when given.
    static func connect(port: Int, from source: String? = nil) throws -> LoopbackSocket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoopbackSocketFailure(operation: "socket", code: errno) }
        if let source {
            var local = loopback(port: 0, host: source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                let code = errno
                Glibc.close(fd)
                throw LoopbackSocketFailure(operation: "bind \(source)", code: code)
            }
        }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(fd)
            throw LoopbackSocketFailure(operation: "connect", code: code)
        }
        return LoopbackSocket(fd: fd)
    }

    private static func loopback(port: Int, host: String = "127.0.0.1") -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        return address
    }

    /// This end's address and port.
    var localEndpoint: (host: String, port: Int) {
        endpoint { getsockname(fd, $0, $1) }
    }

    /// The other end's address and port.
    var peerEndpoint: (host: String, port: Int) {
        endpoint { getpeername(fd, $0, $1) }
    }

    private func endpoint(
        _ query: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
    ) -> (host: String, port: Int) {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { query($0, &length) }
        }
        return (
            String(cString: inet_ntoa(address.sin_addr)), Int(UInt16(bigEndian: address.sin_port))
        )
    }

    /// Accepts one connection; nil once the listener is shut down (or after the receive
    /// timeout, when one is set).
    func accept() -> LoopbackSocket? {
        let client = Glibc.accept(fd, nil, nil)
        return client >= 0 ? LoopbackSocket(fd: client) : nil
    }

    func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { pointer in
                let remaining = UnsafeRawBufferPointer(rebasing: pointer[offset...])
                return send(fd, remaining.baseAddress, remaining.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw LoopbackSocketFailure(operation: "send", code: errno) }
            offset += sent
        }
    }

    /// Reads up to `count` bytes; an empty result means EOF.
    func receive(upTo count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, count, 0) }
        guard received >= 0 else { throw LoopbackSocketFailure(operation: "recv", code: errno) }
        return Array(buffer[0..<received])
    }

    /// Reads exactly `count` bytes, failing on EOF.
    func receive(exactly count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        while result.count < count {
            let chunk = try receive(upTo: count - result.count)
            guard !chunk.isEmpty else {
                throw LoopbackSocketFailure(operation: "recv (EOF)", code: 0)
            }
            result += chunk
        }
        return result
    }

    func setReceiveTimeout(milliseconds: Int) {
        var timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Wakes a thread blocked in `accept` (Linux fails it with EINVAL).
    func shutDownListener() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    func close() {
        Glibc.close(fd)
    }
}

/// Runs blocking socket work on a thread of its own, off the cooperative pool.
func blocking<Value: Sendable>(
    _ body: @escaping @Sendable () throws -> Value
) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.start()
    }
}

/// Polls `condition` every 20 ms for up to `seconds`.
func eventually(seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}
