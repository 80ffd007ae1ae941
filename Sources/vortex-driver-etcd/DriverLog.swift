// The driver's log: one line per message on stderr, because stdout carries the protocol. The
// store logs through a closure it is given, so only the process knows where lines go.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One-line log messages on stderr.
enum Log {
    /// Writes `message` to stderr, prefixed with the driver's name.
    static func info(_ message: String) {
        let line = "vortex-driver-etcd: \(message)\n"
        var bytes = Array(line.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeMutableBytes { raw in
                write(2, raw.baseAddress.map { $0 + written }, raw.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            if result <= 0 { return }
            written += result
        }
    }
}
