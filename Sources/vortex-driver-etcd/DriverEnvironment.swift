// What only the driver process needs of its settings: the limits read from environment
// variables (so the command line stays the driver contract `<cluster> <addresses>`) and the
// exit status of each failure (docs/workload.md, "The etcd driver", exit statuses).

import EtcdLedgerDriver

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DriverLimits {
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

extension DriverFailure {
    /// The process exit status for this failure: 2 usage, 3 unsupported, 1 etcd or stream.
    var exitStatus: Int32 {
        switch self {
        case .usage: 2
        case .unsupported: 3
        case .etcd, .stream: 1
        }
    }
}
