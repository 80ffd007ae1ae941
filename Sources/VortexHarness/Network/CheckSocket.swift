// A plain IPv4 TCP socket for `vortex partition-check`, on raw syscalls: independent of the
// SwiftNIO proxies it checks, opened inside a replica's network namespace (so its source address
// is the replica's own) or in the run's. Connects without waiting (a cut link may drop the SYN),
// accepts and reads with a bound on the wait, and never blocks on a send.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One socket of the partition check.
final class CheckSocket: @unchecked Sendable {
    let descriptor: Int32
    private var closed = false

    /// Wraps an open socket (the check owns it from now on).
    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// A TCP socket in the caller's own network namespace.
    static func inCurrentNamespace() throws -> CheckSocket {
        let descriptor = socket(
            AF_INET,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
            0
        )
        guard descriptor >= 0 else { throw RunError("socket: \(String(cString: strerror(errno)))") }
        return CheckSocket(descriptor: descriptor)
    }

    private static func address(_ host: String, _ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        return address
    }

    /// Binds to `host:port` and listens.
    func listen(host: String, port: Int) throws {
        var reuse: Int32 = 1
        setsockopt(
            descriptor,
            SOL_SOCKET,
            SO_REUSEADDR,
            &reuse,
            socklen_t(MemoryLayout<Int32>.size)
        )
        var address = Self.address(host, port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, Glibc.listen(descriptor, 128) == 0 else {
            throw RunError("listen on \(host):\(port): \(String(cString: strerror(errno)))")
        }
    }

    /// Starts connecting to `host:port` without waiting for the handshake.
    func startConnecting(host: String, port: Int) throws {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var address = Self.address(host, port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 || errno == EINPROGRESS else {
            throw RunError("connect to \(host):\(port): \(String(cString: strerror(errno)))")
        }
    }

    /// Waits up to `milliseconds` for the socket to become readable (or writable).
    private func wait(events: Int16, milliseconds: Int) -> Bool {
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        return poll(&entry, 1, Int32(milliseconds)) > 0
    }

    /// Waits up to `milliseconds` for the connection to be established.
    func waitConnected(milliseconds: Int) -> Bool {
        guard wait(events: Int16(POLLOUT), milliseconds: milliseconds) else { return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
        return error == 0
    }

    /// The next connection, or nil after `milliseconds`.
    func accept(milliseconds: Int) -> CheckSocket? {
        guard wait(events: Int16(POLLIN), milliseconds: milliseconds) else { return nil }
        let accepted = Glibc.accept(descriptor, nil, nil)
        guard accepted >= 0 else { return nil }
        _ = fcntl(accepted, F_SETFD, FD_CLOEXEC)
        return CheckSocket(descriptor: accepted)
    }

    /// The address the other end has.
    var peerHost: String {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getpeername(descriptor, $0, &length)
            }
        }
        return String(cString: inet_ntoa(address.sin_addr))
    }

    /// Sends `text` without waiting; whatever the socket refuses is dropped (a closed or not yet
    /// connected socket).
    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes {
            Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
        }
    }

    /// What has arrived so far (at most 64 reads of 64 KiB, without waiting).
    func drain() -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        for _ in 0..<64 {
            let count = buffer.withUnsafeMutableBytes {
                recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
            }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }

    deinit {
        close()
    }
}
