// Blocking loopback sockets on plain syscalls for the benchmark's clients and servers, so that
// every path (direct, FaultProxy, socat, HAProxy) is driven by exactly the same code.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A failed socket call, with errno.
struct RawSocketError: Error, CustomStringConvertible {
    let operation: String
    let code: Int32
    var description: String { "\(operation): \(String(cString: strerror(code)))" }
}

/// A blocking IPv4 TCP socket on 127.0.0.1.
struct RawSocket: Sendable {
    let fd: Int32

    static func connect(port: Int) throws -> RawSocket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError(operation: "socket", code: errno) }
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw RawSocketError(operation: "connect to \(port)", code: code)
        }
        let socket = RawSocket(fd: fd)
        socket.setNoDelay()
        return socket
    }

    /// Keeps trying to connect for up to `seconds` (a just-started proxy may not listen yet).
    static func connectWhenReady(port: Int, seconds: Double) throws -> RawSocket {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            do {
                return try connect(port: port)
            } catch {
                if Date() > deadline { throw error }
                usleep(20_000)
            }
        }
    }

    static func listen(port: Int = 0) throws -> RawSocket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError(operation: "socket", code: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0, Glibc.listen(fd, 128) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw RawSocketError(operation: "bind/listen", code: code)
        }
        return RawSocket(fd: fd)
    }

    /// A port that was free a moment ago (for a proxy process to listen on).
    static func freePort() throws -> Int {
        let socket = try listen()
        defer { socket.close() }
        return socket.localPort
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    var localPort: Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(fd, $0, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func accept() -> RawSocket? {
        let client = Glibc.accept(fd, nil, nil)
        guard client >= 0 else { return nil }
        let socket = RawSocket(fd: client)
        socket.setNoDelay()
        return socket
    }

    func setNoDelay() {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    func sendAll(_ pointer: UnsafeRawBufferPointer) throws {
        guard let base = pointer.baseAddress else { return }
        var offset = 0
        while offset < pointer.count {
            let sent = send(fd, base + offset, pointer.count - offset, Int32(MSG_NOSIGNAL))
            guard sent > 0 else { throw RawSocketError(operation: "send", code: errno) }
            offset += sent
        }
    }

    /// Reads into `pointer`; 0 means EOF.
    func receive(into pointer: UnsafeMutableRawBufferPointer) throws -> Int {
        let received = recv(fd, pointer.baseAddress, pointer.count, 0)
        guard received >= 0 else { throw RawSocketError(operation: "recv", code: errno) }
        return received
    }

    /// Fills `pointer` completely, failing on EOF.
    func receiveAll(into pointer: UnsafeMutableRawBufferPointer) throws {
        var offset = 0
        while offset < pointer.count {
            let received = try receive(
                into: UnsafeMutableRawBufferPointer(rebasing: pointer[offset...])
            )
            guard received > 0 else { throw RawSocketError(operation: "recv (EOF)", code: 0) }
            offset += received
        }
    }

    func shutdownWrite() {
        shutdown(fd, Int32(SHUT_WR))
    }

    func shutdownBoth() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    func close() {
        Glibc.close(fd)
    }
}

/// Starts `body` on a new thread.
func startThread(_ body: @escaping @Sendable () -> Void) {
    let thread = Thread(block: body)
    thread.stackSize = 1 << 20
    thread.start()
}
