// The driver's limits and deadlines, and why it stops. Plain values, so the store can be built
// and tested without a process; the executable fills the limits from the environment (see
// Sources/vortex-driver-etcd/DriverEnvironment.swift). Defaults match the etcd flags the etcd
// target starts members with (see docs/workload.md, "The etcd driver"): --max-txn-ops=32768
// --max-request-bytes=16777216.

/// Limits and deadlines of the driver.
public struct DriverLimits: Sendable {
    /// The most operations one etcd transaction may hold (etcd's --max-txn-ops). A full
    /// TigerBeetle batch of 8189 transfers needs at most 8189 + 2 × 8189 + 3 = 24570.
    public var maxTxnOps = 32_768
    /// How long one HTTP call to a member may take before the driver moves to the next member.
    public var callTimeout: Duration = .seconds(5)
    /// How long one request may keep failing (with retries and fail-overs) before the driver
    /// gives up and exits.
    public var requestDeadline: Duration = .seconds(300)
    /// etcd's history is compacted every this many create requests: each one rewrites the head
    /// and the touched accounts, and without compaction the old versions fill etcd's quota.
    public var requestsPerCompaction = 1_000

    /// The defaults.
    public init() {}
}

/// Why the driver stops.
public enum DriverFailure: Error, Sendable, CustomStringConvertible {
    /// Bad command line or environment.
    case usage(String)
    /// A request uses a TigerBeetle feature this ledger does not implement.
    case unsupported(String)
    /// etcd could not complete a request.
    case etcd(String)
    /// The request stream broke or held a malformed request.
    case stream(String)

    /// One line saying what went wrong.
    public var description: String {
        switch self {
        case .usage(let message): message
        case .unsupported(let message): "not supported by the etcd ledger: \(message)"
        case .etcd(let message): message
        case .stream(let message): message
        }
    }
}
