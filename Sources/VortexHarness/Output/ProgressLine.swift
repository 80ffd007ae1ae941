// The live one-line progress display of a run on a terminal: elapsed / total, requests done,
// replicas up, active faults. Rendered as plain text here; the run rewrites it in place (carriage
// return + erase line) only when standard output is a terminal, so logs and pipes stay clean.

/// What the progress line shows.
public struct ProgressSnapshot: Sendable, Hashable {
    /// Time since the workload started.
    public var elapsed: Duration
    /// The test duration.
    public var total: Duration
    /// Finished requests.
    public var requestsDone: Int
    /// Replicas running.
    public var replicasUp: Int
    /// Replicas in the cluster.
    public var replicaCount: Int
    /// Active faults, short names (`r1 paused`, `delay 120±50ms`).
    public var activeFaults: [String]

    /// Creates a snapshot.
    public init(
        elapsed: Duration,
        total: Duration,
        requestsDone: Int,
        replicasUp: Int,
        replicaCount: Int,
        activeFaults: [String]
    ) {
        self.elapsed = elapsed
        self.total = total
        self.requestsDone = requestsDone
        self.replicasUp = replicasUp
        self.replicaCount = replicaCount
        self.activeFaults = activeFaults
    }

    /// `vortex 0:42/1:00 requests=1234 up=2/3 faults=r1 terminated, delay 120±50ms`, at most
    /// `width` characters.
    public func render(width: Int = 100) -> String {
        precondition(width >= 20, "the line needs some room")
        let faults = activeFaults.isEmpty ? "none" : activeFaults.joined(separator: ", ")
        let line =
            "vortex \(Self.clock(elapsed))/\(Self.clock(total)) requests=\(requestsDone) "
            + "up=\(replicasUp)/\(replicaCount) faults=\(faults)"
        guard line.count > width else { return line }
        return String(line.prefix(width - 1)) + "…"
    }

    /// `m:ss` (or `h:mm:ss` from one hour).
    static func clock(_ duration: Duration) -> String {
        let seconds = max(0, Int(duration.components.seconds))
        let hours = seconds / 3_600
        let minutes = seconds / 60 % 60
        let rest = seconds % 60
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        if hours > 0 { return "\(hours):\(twoDigits(minutes)):\(twoDigits(rest))" }
        return "\(minutes):\(twoDigits(rest))"
    }
}
