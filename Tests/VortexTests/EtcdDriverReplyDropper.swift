// A TCP relay in front of one etcd member for the exactly-once test: it relays bytes both ways,
// but once armed it swallows the next answer to a write transaction (a response carrying
// "response_put") and closes the driver's connection. etcd has applied the commit; the driver
// never learns it and must not apply the request a second time when it retries elsewhere.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A relay to `127.0.0.1:targetPort` on a free local port.
final class EtcdReplyDropper: @unchecked Sendable {
    /// The port the driver connects to.
    let port: Int
    private let targetPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private var armed = false
    private var dropped = 0
    private var openSockets: Set<Int32> = []
    private var stopped = false

    /// Listens on a free port and relays to `targetPort`.
    init(targetPort: Int) throws {
        self.targetPort = targetPort
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(listener, raw, length) == 0 && getsockname(listener, raw, &length) == 0
                    && listen(listener, 16) == 0
            }
        }
        guard listener >= 0, listening else {
            close(listener)
            throw EtcdTestError(description: "the relay could not listen")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Swallows the next answer to a write transaction.
    func arm() {
        lock.withLock { armed = true }
    }

    /// How many answers were swallowed.
    var droppedCount: Int { lock.withLock { dropped } }

    /// Stops listening and closes every relayed connection.
    func stop() {
        let sockets = lock.withLock {
            stopped = true
            return openSockets
        }
        for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: targetPort)
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                    connect(server, raw, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            let accepted = lock.withLock {
                guard !stopped, connected else { return false }
                openSockets.formUnion([client, server])
                return true
            }
            guard accepted else {
                close(client)
                close(server)
                continue
            }
            let finished = PumpEndCounter()
            Thread.detachNewThread { [self] in
                pump(from: client, to: server, inspect: false)
                finish(client, server, finished)
            }
            Thread.detachNewThread { [self] in
                pump(from: server, to: client, inspect: true)
                finish(client, server, finished)
            }
        }
    }

    /// Relays until either side ends; answers from etcd are inspected when armed.
    private func pump(from source: Int32, to destination: Int32, inspect: Bool) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            guard count > 0 else { return }
            if inspect
                && String(decoding: buffer[0..<count], as: UTF8.self).contains("response_put")
            {
                let swallow = lock.withLock {
                    guard armed else { return false }
                    armed = false
                    dropped += 1
                    return true
                }
                if swallow { return }
            }
            var written = 0
            while written < count {
                let result = buffer.withUnsafeBytes {
                    write(destination, $0.baseAddress.map { $0 + written }, count - written)
                }
                guard result > 0 else { return }
                written += result
            }
        }
    }

    /// Shuts both sockets down (waking the other pump); the second pump to end closes them.
    private func finish(_ client: Int32, _ server: Int32, _ finished: PumpEndCounter) {
        shutdown(client, Int32(SHUT_RDWR))
        shutdown(server, Int32(SHUT_RDWR))
        guard finished.increment() == 2 else { return }
        lock.withLock { openSockets.subtract([client, server]) }
        close(client)
        close(server)
    }
}

/// A counter the two pumps of one connection share.
private final class PumpEndCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func increment() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}
