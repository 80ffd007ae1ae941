// Request latencies in bounded memory: a log-linear histogram (16 sub-buckets per power of two
// of microseconds, as HDR histograms do), so a run of any length keeps percentiles for
// summary.json within ~6 % relative error using a fixed number of counters.

/// A bounded histogram of durations with approximate percentiles.
public struct LatencyHistogram: Sendable, Hashable {
    private static let subBucketBits = 4
    private static let subBucketCount = 1 << subBucketBits
    /// Powers of two of microseconds covered: up to 2^40 µs (~12.7 days).
    private static let magnitudeCount = 41
    private var counts = [UInt64](repeating: 0, count: magnitudeCount * subBucketCount)
    /// Number of recorded values.
    public private(set) var count: UInt64 = 0
    /// The largest recorded value.
    public private(set) var maximum: Duration = .zero
    /// The smallest recorded value.
    public private(set) var minimum: Duration = .zero

    /// An empty histogram.
    public init() {}

    private static func microseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let value = seconds.multipliedReportingOverflow(by: 1_000_000)
        guard !value.overflow else { return UInt64.max }
        return UInt64(value.partialValue) + UInt64(max(0, attoseconds / 1_000_000_000_000))
    }

    private static func bucketIndex(_ microseconds: UInt64) -> Int {
        guard microseconds >= UInt64(subBucketCount) else { return Int(microseconds) }
        let magnitude = 63 - microseconds.leadingZeroBitCount  // >= subBucketBits
        let shift = magnitude - subBucketBits
        let subBucket = Int((microseconds >> UInt64(shift)) & UInt64(subBucketCount - 1))
        let index = (shift + 1) * subBucketCount + subBucket
        return min(index, magnitudeCount * subBucketCount - 1)
    }

    /// The upper bound (in µs) of the values in bucket `index`.
    private static func bucketUpperMicroseconds(_ index: Int) -> UInt64 {
        guard index >= subBucketCount else { return UInt64(index) }
        let shift = index / subBucketCount - 1
        let subBucket = UInt64(index % subBucketCount + subBucketCount)
        return ((subBucket + 1) << UInt64(shift)) - 1
    }

    /// Records one duration (negative counts as zero).
    public mutating func record(_ duration: Duration) {
        let clamped = max(duration, .zero)
        counts[Self.bucketIndex(Self.microseconds(clamped))] += 1
        minimum = count == 0 ? clamped : min(minimum, clamped)
        count += 1
        maximum = max(maximum, clamped)
    }

    /// The value at or below which `fraction` (0…1) of the recorded values lie, approximately
    /// (the upper bound of its bucket, capped at the maximum); zero when empty.
    public func percentile(_ fraction: Double) -> Duration {
        precondition(fraction >= 0 && fraction <= 1, "fraction in 0...1")
        guard count > 0 else { return .zero }
        let rank = max(1, UInt64((fraction * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for index in counts.indices {
            seen += counts[index]
            if seen >= rank {
                let upper = Duration.microseconds(Int64(Self.bucketUpperMicroseconds(index)))
                return min(upper, maximum)
            }
        }
        return maximum
    }

    /// Adds every value of `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        for index in counts.indices {
            counts[index] += other.counts[index]
        }
        minimum = count == 0 ? other.minimum : min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
        count += other.count
    }
}
