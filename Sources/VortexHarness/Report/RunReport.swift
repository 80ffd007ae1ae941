// What report.html shows (docs/user-guide.md, "report.html"), as plain values on the run's clock
// (µs since RunClock's origin, as faults.jsonl's `timeUs`): the summary, one lane of replica
// states per replica, bands of network faults, the latency samples, throughput, the request left
// unfinished and the failure. Built from a run's own records (RunReport+Build.swift) and drawn
// by RunReportPage, a pure function of this value.

/// A period in which a replica was not simply up.
public struct ReplicaSegment: Sendable, Hashable {
    /// What the replica was.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Stopped with SIGSTOP.
        case paused
        /// Killed (until restarted).
        case terminated
        /// Cut off from the network (a partition of one replica).
        case isolated
    }

    /// The replica's index.
    public var replica: Int
    /// The state during the period.
    public var state: State
    /// Start, µs on the run clock.
    public var startUs: Int64
    /// End, µs on the run clock (the end of the report when the state lasted to the end).
    public var endUs: Int64

    /// Creates a segment.
    public init(replica: Int, state: State, startUs: Int64, endUs: Int64) {
        precondition(startUs <= endUs, "a segment ends after it starts")
        self.replica = replica
        self.state = state
        self.startUs = startUs
        self.endUs = endUs
    }
}

/// A period in which one network fault was active with one setting.
public struct NetworkBand: Sendable, Hashable {
    /// The row of the band: `delay`, `corrupt`, `loss` or `partition`.
    public var row: String
    /// What was active, e.g. `delay 120±50 ms`, `r1 isolated`.
    public var label: String
    /// Start, µs on the run clock.
    public var startUs: Int64
    /// End, µs on the run clock.
    public var endUs: Int64

    /// Creates a band.
    public init(row: String, label: String, startUs: Int64, endUs: Int64) {
        precondition(startUs <= endUs, "a band ends after it starts")
        self.row = row
        self.label = label
        self.startUs = startUs
        self.endUs = endUs
    }
}

/// The decision that ended the run early: a failure or an interruption.
public struct ReportFailure: Sendable, Hashable {
    /// When it was recorded, µs on the run clock.
    public var timeUs: Int64
    /// The outcome's name (`liveness`, …).
    public var reason: String
    /// The message.
    public var message: String

    /// Creates a failure marker.
    public init(timeUs: Int64, reason: String, message: String) {
        self.timeUs = timeUs
        self.reason = reason
        self.message = message
    }
}

/// The request in flight when the workload stopped (the one a failure interrupted).
public struct UnfinishedRequest: Sendable, Hashable {
    /// When it was sent, µs on the run clock.
    public var startUs: Int64
    /// When the workload stopped waiting for it, µs on the run clock.
    public var endUs: Int64

    /// Creates the marker of an unfinished request.
    public init(startUs: Int64, endUs: Int64) {
        self.startUs = startUs
        self.endUs = max(startUs, endUs)
    }
}

/// Everything report.html draws.
public struct RunReport: Sendable, Hashable {
    /// The run's summary (verdict, seed, configuration, totals).
    public var summary: RunSummary
    /// The end of the time axis, µs on the run clock.
    public var endUs: Int64
    /// Periods in which a replica was paused, terminated or isolated.
    public var replicaSegments: [ReplicaSegment]
    /// Periods of network faults.
    public var networkBands: [NetworkBand]
    /// Command names; a sample's `command` indexes this.
    public var commands: [String]
    /// Latency samples, start times on the run clock.
    public var samples: [LatencySample]
    /// Finished requests (the sum of the samples' counts).
    public var requestCount: Int
    /// Finished requests per time bucket, the first bucket starting at `throughputStartUs`.
    public var throughput: ThroughputSeries
    /// Where the first throughput bucket starts, µs on the run clock.
    public var throughputStartUs: Int64
    /// The request in flight when the workload stopped: start and end, µs on the run clock.
    public var unfinishedRequest: UnfinishedRequest?
    /// The failure or interruption that ended the run, if any.
    public var failure: ReportFailure?

    /// Creates a report.
    public init(
        summary: RunSummary,
        endUs: Int64,
        replicaSegments: [ReplicaSegment],
        networkBands: [NetworkBand],
        commands: [String],
        samples: [LatencySample],
        throughput: ThroughputSeries,
        throughputStartUs: Int64,
        unfinishedRequest: UnfinishedRequest?,
        failure: ReportFailure?
    ) {
        precondition(endUs >= 0, "the time axis starts at the run clock's origin")
        precondition(samples.allSatisfy { commands.indices.contains($0.command) }, "known commands")
        self.summary = summary
        self.endUs = endUs
        self.replicaSegments = replicaSegments
        self.networkBands = networkBands
        self.commands = commands
        self.samples = samples
        self.requestCount = samples.reduce(0) { $0 + $1.count }
        self.throughput = throughput
        self.throughputStartUs = throughputStartUs
        self.unfinishedRequest = unfinishedRequest
        self.failure = failure
    }
}
