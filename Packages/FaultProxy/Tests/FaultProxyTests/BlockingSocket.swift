// A blocking IPv4 TCP client/listener socket on plain syscalls, so that the test client is
// independent of the code under test (which is built on SwiftNIO).

#if canImport(Glibc)
import Glibc
#endif

struct SocketFailure: Error, CustomStringConvertible {
    let operation: String
    let code: Int32
    var description: String { "\(operation) failed: \(String(cString: strerror(code)))" }
}

/// A blocking IPv4 TCP socket driven by plain syscalls.
final class BlockingSocket: @unchecked Sendable {
    let fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    /// Connects to 127.0.0.1:`port`, from `sourceAddress` (any 127.0.0.0/8 address) when given.
    static func connect(port: Int, from sourceAddress: String? = nil) throws -> BlockingSocket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketFailure(operation: "socket", code: errno) }
        if let sourceAddress {
            var source = sockaddr_in()
            source.sin_family = sa_family_t(AF_INET)
            source.sin_addr.s_addr = inet_addr(sourceAddress)
            let bound = withUnsafePointer(to: &source) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                let code = errno
                Glibc.close(fd)
                throw SocketFailure(operation: "bind", code: code)
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw SocketFailure(operation: "connect", code: code)
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return BlockingSocket(fd: fd)
    }

    static func listening(backlog: Int32 = 16) throws -> BlockingSocket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketFailure(operation: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0, listen(fd, backlog) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw SocketFailure(operation: "bind", code: code)
        }
        return BlockingSocket(fd: fd)
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

    func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { pointer in
                let remaining = UnsafeRawBufferPointer(rebasing: pointer[offset...])
                return send(fd, remaining.baseAddress, remaining.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw SocketFailure(operation: "send", code: errno) }
            offset += sent
        }
    }

    /// Sends every byte of `bytes`.
    func sendAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let remaining = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            let sent = send(fd, remaining.baseAddress, remaining.count, Int32(MSG_NOSIGNAL))
            guard sent > 0 else { throw SocketFailure(operation: "send", code: errno) }
            offset += sent
        }
    }

    /// Reads into `buffer`; 0 means EOF.
    func receive(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let received = recv(fd, buffer.baseAddress, buffer.count, 0)
        guard received >= 0 else { throw SocketFailure(operation: "recv", code: errno) }
        return received
    }

    /// Reads up to `count` bytes; an empty result means EOF.
    func receive(upTo count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, count, 0) }
        guard received >= 0 else { throw SocketFailure(operation: "recv", code: errno) }
        return Array(buffer[0..<received])
    }

    /// Reads exactly `count` bytes, failing on EOF.
    func receive(exactly count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            let chunk = try receive(upTo: count - result.count)
            guard !chunk.isEmpty else { throw SocketFailure(operation: "recv (EOF)", code: 0) }
            result += chunk
        }
        return result
    }

    func setReceiveTimeout(milliseconds: Int) {
        var timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Accepts one connection on a listening socket.
    func accept() -> BlockingSocket? {
        let client = Glibc.accept(fd, nil, nil)
        return client >= 0 ? BlockingSocket(fd: client) : nil
    }

    /// Closes with SO_LINGER 0: the peer sees RST.
    func closeWithReset() {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        Glibc.close(fd)
    }

    func shutdownWrite() {
        shutdown(fd, Int32(SHUT_WR))
    }

    func close() {
        Glibc.close(fd)
    }
}
