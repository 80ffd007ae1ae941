// Blocking IPv4 loopback sockets on plain syscalls for the proxy isolation tests, independent of
// the SwiftNIO code under test; plus the bash clients those tests spawn as "replicas" (bash's
// /dev/tcp opens the socket in the bash process itself).

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

    /// A socket connected to 127.0.0.1:`port`.
    static func connect(port: Int) throws -> LoopbackSocket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoopbackSocketFailure(operation: "socket", code: errno) }
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

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// This end's address.
    var localEndpoint: TCPEndpoint {
        endpoint { getsockname(fd, $0, $1) }
    }

    /// The other end's address.
    var peerEndpoint: TCPEndpoint {
        endpoint { getpeername(fd, $0, $1) }
    }

    private func endpoint(
        _ query: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
    ) -> TCPEndpoint {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { query($0, &length) }
        }
        let bytes = withUnsafeBytes(of: address.sin_addr) { Array($0) }
        return TCPEndpoint(address: bytes, port: Int(UInt16(bigEndian: address.sin_port)))
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

/// Spawns `bash -c script` (arguments become $1 …) with pipes on stdin and stdout, leading its
/// own process group so `kill()` also ends what it started.
func spawnBash(_ script: String, arguments: [String]) throws -> ChildProcess {
    var command = Command("/bin/bash", arguments: ["-c", script, "bash"] + arguments)
    command.standardInput = .pipe
    command.standardOutput = .pipe
    command.standardError = .null
    command.processGroup = .newGroup
    command.deathSignal = .kill
    return try command.spawn()
}

/// The first line a child writes on its standard output.
func firstLine(of child: ChildProcess) async throws -> String? {
    let output = try #require(child.standardOutput)
    var lines = output.lines().makeAsyncIterator()
    return try await lines.next()
}
