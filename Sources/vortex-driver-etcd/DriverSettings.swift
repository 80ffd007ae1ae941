// The driver's settings (limits and deadlines, overridable through environment variables so the
// command line stays the driver contract `<cluster> <addresses>`), its failure type, and its
// stderr log. Defaults match the etcd flags the etcd target starts members with (see
// docs/workload.md, "The etcd driver"): --max-txn-ops=32768 --max-request-bytes=16777216.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Limits and deadlines of the driver.
struct DriverLimits: Sendable {
    /// The most operations one etcd transaction may hold (etcd's --max-txn-ops). A full
    /// TigerBeetle batch of 8189 transfers needs at most 8189 + 2 × 8189 + 3 = 24570.
    var maxTxnOps = 32_768
    /// How long one HTTP call to a member may take before the driver moves to the next member.
    var callTimeout: Duration = .seconds(5)
    /// How long one request may keep failing (with retries and fail-overs) before the driver
    /// gives up and exits.
    var requestDeadline: Duration = .seconds(300)
    /// etcd's history is compacted every this many create requests: each one rewrites the head
    /// and the touched accounts, and without compaction the old versions fill etcd's quota.
    var requestsPerCompaction = 1_000

    /// The defaults, overridden by VORTEX_ETCD_MAX_TXN_OPS, VORTEX_ETCD_CALL_TIMEOUT_MS,
    /// VORTEX_ETCD_REQUEST_DEADLINE_MS and VORTEX_ETCD_COMPACTION_REQUESTS. Throws one line for a
    /// malformed value.
    static func fromEnvironment() throws(DriverFailure) -> DriverLimits {
        var limits = DriverLimits()
        if let value = try integer("VORTEX_ETCD_MAX_TXN_OPS", minimum: 8) {
            limits.maxTxnOps = value
        }
        if let value = try integer("VORTEX_ETCD_CALL_TIMEOUT_MS", minimum: 100) {
            limits.callTimeout = .milliseconds(value)
        }
        if let value = try integer("VORTEX_ETCD_REQUEST_DEADLINE_MS", minimum: 100) {
            limits.requestDeadline = .milliseconds(value)
        }
        if let value = try integer("VORTEX_ETCD_COMPACTION_REQUESTS", minimum: 1) {
            limits.requestsPerCompaction = value
        }
        return limits
    }

    private static func integer(_ name: String, minimum: Int) throws(DriverFailure) -> Int? {
        guard let raw = getenv(name) else { return nil }
        let text = String(cString: raw)
        guard let value = Int(text), value >= minimum else {
            throw .usage("\(name)=\(text) is not an integer ≥ \(minimum)")
        }
        return value
    }
}

/// Why the driver stops.
enum DriverFailure: Error, Sendable, CustomStringConvertible {
    /// Bad command line or environment (exit status 2).
    case usage(String)
    /// A request uses a TigerBeetle feature this ledger does not implement (exit status 3).
    case unsupported(String)
    /// etcd could not complete a request (exit status 1).
    case etcd(String)
    /// The request stream broke or held a malformed request (exit status 1).
    case stream(String)

    var description: String {
        switch self {
        case .usage(let message): message
        case .unsupported(let message): "not supported by the etcd ledger: \(message)"
        case .etcd(let message): message
        case .stream(let message): message
        }
    }

    /// The process exit status for this failure.
    var exitStatus: Int32 {
        switch self {
        case .usage: 2
        case .unsupported: 3
        case .etcd, .stream: 1
        }
    }
}

/// One-line log messages on stderr (stdout carries the protocol).
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
