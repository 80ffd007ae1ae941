// One soak connection on a thread of its own with blocking sockets: it sends chunks of seeded
// random bytes of random size (1 B to 16 KiB) through the proxy to the echo server and compares
// every byte that comes back. Outside the corruption phase any difference is a failure; during it
// a differing chunk is counted as corrupted (corruption never changes a chunk's length).

import Foundation
import Synchronization

/// Totals shared by every connection of a soak.
final class SoakTally: Sendable {
    struct Totals: Sendable {
        var connected = 0
        var finished = 0
        var bytesSent = 0
        var bytesReceived = 0
        var chunksExact = 0
        var chunksCorrupted = 0
        var failures: [String] = []
    }

    let totals = Mutex(Totals())
    /// 0 while every byte must match, 1 once corruption may be on.
    let corruptionAllowed = Atomic<Bool>(false)
    let stopRequested = Atomic<Bool>(false)

    func fail(_ message: String) {
        totals.withLock { totals in
            if totals.failures.count < 20 { totals.failures.append(message) }
        }
    }
}

/// A small seeded generator (xorshift64*), so each connection's bytes differ and repeat.
struct SoakRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}

enum SoakClient {
    static let largestChunk = 16 * 1024

    /// Connects to `port`, then sends and checks chunks until the tally asks to stop.
    static func run(index: Int, port: Int, seed: UInt64, tally: SoakTally) {
        defer { tally.totals.withLock { $0.finished += 1 } }
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else {
            tally.fail("connection \(index): socket() errno \(errno)")
            return
        }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(
            socket,
            SOL_SOCKET,
            SO_RCVTIMEO,
            &timeout,
            socklen_t(MemoryLayout<timeval>.size)
        )
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            tally.fail("connection \(index): connect() errno \(errno)")
            return
        }
        tally.totals.withLock { $0.connected += 1 }
        var random = SoakRandom(seed: seed &+ UInt64(index) &* 0x1000_0001)
        var sent = [UInt8](repeating: 0, count: largestChunk)
        var received = [UInt8](repeating: 0, count: largestChunk)
        while !tally.stopRequested.load(ordering: .relaxed) {
            let size = 1 + Int(random.next() % UInt64(largestChunk))
            for offset in 0..<size { sent[offset] = UInt8(truncatingIfNeeded: random.next()) }
            guard writeAll(socket, sent, size) else {
                tally.fail("connection \(index): write failed errno \(errno)")
                return
            }
            guard readExactly(socket, &received, size) else {
                tally.fail("connection \(index): read of \(size) bytes failed errno \(errno)")
                return
            }
            let exact = sent[0..<size] == received[0..<size]
            let corruptionAllowed = tally.corruptionAllowed.load(ordering: .acquiring)
            tally.totals.withLock { totals in
                totals.bytesSent += size
                totals.bytesReceived += size
                if exact {
                    totals.chunksExact += 1
                } else if corruptionAllowed {
                    totals.chunksCorrupted += 1
                }
            }
            if !exact && !corruptionAllowed {
                tally.fail("connection \(index): a \(size)-byte chunk came back different")
                return
            }
        }
    }

    private static func writeAll(_ socket: Int32, _ bytes: [UInt8], _ count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let written = bytes.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return -1 }
                return send(socket, base + offset, count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    private static func readExactly(_ socket: Int32, _ bytes: inout [UInt8], _ count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let read = bytes.withUnsafeMutableBytes { buffer in
                guard let base = buffer.baseAddress else { return -1 }
                return recv(socket, base + offset, count - offset, 0)
            }
            if read < 0 && errno == EINTR { continue }
            guard read > 0 else { return false }
            offset += read
        }
        return true
    }
}
