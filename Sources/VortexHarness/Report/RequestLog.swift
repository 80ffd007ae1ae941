// The finished requests of a run as report.html draws them (docs/user-guide.md, "report.html"),
// kept in bounded memory: every request exactly (start, latency, command) up to
// `exactCapacity`; past that the log folds them into cells of (time bucket, latency bucket,
// command) with a count, coarsening the time buckets whenever the cells outgrow `cellCapacity`.
// A short run keeps every request; a run of hours or days keeps a fixed amount of memory and
// still holds every outlier (a lone slow request keeps a cell of its own). Requests per second
// are counted exactly, in buckets that widen the same way.

import Foundation

/// One point of the latency plot: a request, or a cell of requests close in time and latency.
public struct LatencySample: Sendable, Hashable {
    /// Start of the request (a cell: the middle of its time bucket), µs on the log's own time
    /// line (`RequestLog.reference`, or the run clock once placed by the report).
    public var startUs: Int64
    /// Latency in microseconds (a cell: the middle of its latency bucket).
    public var latencyUs: Int64
    /// Index of the command in the log's `commands`.
    public var command: Int
    /// Requests this point stands for (1 for an exact request).
    public var count: Int

    /// Creates a sample.
    public init(startUs: Int64, latencyUs: Int64, command: Int, count: Int) {
        precondition(count >= 1, "a sample stands for at least one request")
        self.startUs = startUs
        self.latencyUs = latencyUs
        self.command = command
        self.count = count
    }
}

/// Finished requests per time bucket.
public struct ThroughputSeries: Sendable, Hashable {
    /// Width of a bucket in seconds (1 unless the run was long enough to widen them).
    public var bucketSeconds: Int
    /// Requests that finished in each bucket, from the log's reference on.
    public var counts: [Int]

    /// Creates a series.
    public init(bucketSeconds: Int, counts: [Int]) {
        precondition(bucketSeconds >= 1, "a bucket is at least a second wide")
        self.bucketSeconds = bucketSeconds
        self.counts = counts
    }
}

/// The finished requests of one run, in bounded memory.
struct RequestLog: Sendable {
    /// Requests kept exactly before the log folds them into cells.
    static let exactCapacity = 200_000
    /// Most cells kept; past it the time buckets double in width.
    static let cellCapacity = 200_000
    /// Most throughput buckets; past it the buckets double in width.
    static let throughputBucketCapacity = 100_000
    /// Latency buckets per power of ten (finer than a pixel of the plot).
    static let latencyBucketsPerDecade = 64.0

    private struct Exact: Sendable {
        var startUs: Int64
        var latencyUs: Int64
        var command: UInt8
    }

    private struct Cell: Sendable, Hashable {
        var timeBucket: Int64
        var latencyBucket: Int32
        var command: UInt8
    }

    /// The instant the log's times count from: the start of the first request.
    private(set) var reference: ContinuousClock.Instant?
    /// Command names in order of first appearance (a sample's `command` indexes this).
    private(set) var commands: [String] = []
    /// Requests recorded.
    private(set) var count = 0
    private var exact: [Exact] = []
    private var cells: [Cell: Int] = [:]
    private var cellWidthUs: Int64 = 10_000
    private var throughputCounts: [Int] = []
    private var throughputBucketSeconds = 1

    /// Records a request that started at `start`, ended at `end`, for `command`.
    mutating func record(
        command: String,
        start: ContinuousClock.Instant,
        end: ContinuousClock.Instant
    ) {
        let origin = reference ?? start
        reference = origin
        let commandIndex: Int
        if let known = commands.firstIndex(of: command) {
            commandIndex = known
        } else {
            // Command names come from a fixed vocabulary; the index fits a byte.
            guard commands.count < Int(UInt8.max) else { return }
            commands.append(command)
            commandIndex = commands.count - 1
        }
        let startUs = Self.microseconds(start - origin)
        let latencyUs = max(0, Self.microseconds(end - start))
        count += 1
        countThroughput(endUs: Self.microseconds(end - origin))
        if cells.isEmpty && exact.count < Self.exactCapacity {
            exact.append(
                Exact(startUs: startUs, latencyUs: latencyUs, command: UInt8(commandIndex))
            )
            return
        }
        if cells.isEmpty { foldExactIntoCells() }
        addToCell(startUs: startUs, latencyUs: latencyUs, command: UInt8(commandIndex), count: 1)
    }

    /// Whether every request is kept exactly (no cells yet).
    var isExact: Bool { cells.isEmpty }

    /// The points to draw, times on the log's own time line (µs since `reference`).
    var samples: [LatencySample] {
        if cells.isEmpty {
            return exact.map {
                LatencySample(
                    startUs: $0.startUs,
                    latencyUs: $0.latencyUs,
                    command: Int($0.command),
                    count: 1
                )
            }
        }
        return cells.map { cell, count in
            LatencySample(
                startUs: cell.timeBucket * cellWidthUs + cellWidthUs / 2,
                latencyUs: Self.latencyMiddle(of: cell.latencyBucket),
                command: Int(cell.command),
                count: count
            )
        }
        .sorted { ($0.startUs, $0.command, $0.latencyUs) < ($1.startUs, $1.command, $1.latencyUs) }
    }

    /// Requests finished per bucket of time, from `reference` on.
    var throughput: ThroughputSeries {
        ThroughputSeries(bucketSeconds: throughputBucketSeconds, counts: throughputCounts)
    }

    private mutating func countThroughput(endUs: Int64) {
        let bucketUs = Int64(throughputBucketSeconds) * 1_000_000
        var bucket = Int(max(0, endUs) / bucketUs)
        // Each pass halves the number of buckets needed; bounded by the bits of `bucket`.
        while bucket >= Self.throughputBucketCapacity {
            throughputBucketSeconds *= 2
            throughputCounts = stride(from: 0, to: throughputCounts.count, by: 2).map { index in
                throughputCounts[index]
                    + (index + 1 < throughputCounts.count ? throughputCounts[index + 1] : 0)
            }
            bucket /= 2
        }
        if bucket >= throughputCounts.count {
            throughputCounts.append(
                contentsOf: repeatElement(0, count: bucket - throughputCounts.count + 1)
            )
        }
        throughputCounts[bucket] += 1
    }

    private mutating func foldExactIntoCells() {
        for request in exact {
            addToCell(
                startUs: request.startUs,
                latencyUs: request.latencyUs,
                command: request.command,
                count: 1
            )
        }
        exact = []
    }

    private mutating func addToCell(startUs: Int64, latencyUs: Int64, command: UInt8, count: Int) {
        let cell = Cell(
            timeBucket: max(0, startUs) / cellWidthUs,
            latencyBucket: Self.latencyBucket(latencyUs),
            command: command
        )
        cells[cell, default: 0] += count
        // Each pass halves the time resolution and so merges cells; a bounded number of passes
        // (the time bucket is at most the whole run) brings the cells under the capacity.
        while cells.count > Self.cellCapacity && cellWidthUs < Int64.max / 4 {
            cellWidthUs *= 2
            var merged: [Cell: Int] = [:]
            merged.reserveCapacity(cells.count / 2)
            for (old, oldCount) in cells {
                var coarser = old
                coarser.timeBucket = old.timeBucket / 2
                merged[coarser, default: 0] += oldCount
            }
            cells = merged
        }
    }

    private static func latencyBucket(_ latencyUs: Int64) -> Int32 {
        guard latencyUs > 1 else { return 0 }
        return Int32((log10(Double(latencyUs)) * latencyBucketsPerDecade).rounded(.down))
    }

    private static func latencyMiddle(of bucket: Int32) -> Int64 {
        Int64(pow(10, (Double(bucket) + 0.5) / latencyBucketsPerDecade).rounded())
    }

    private static func microseconds(_ duration: Duration) -> Int64 {
        RunClock.microseconds(duration)
    }
}
