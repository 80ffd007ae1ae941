// The one clock origin of a run. Every output counts time from the same moment: faults.jsonl's
// `timeUs`, the `t=` of vortex.log's fault lines, trace.json's `ts`, and the liveness checker's
// times. vortex.log's wall-clock stamps are this origin's wall-clock time plus monotonic time
// since it, so a log line and a trace event of the same moment carry the same time.

import Foundation

/// The moment a run's outputs count time from, in monotonic and wall-clock terms.
struct RunClock: Sendable {
    /// The origin on the monotonic clock.
    let origin: ContinuousClock.Instant
    /// The origin's wall-clock time, nanoseconds since the Unix epoch.
    let originWallNanoseconds: Int64

    /// A clock whose origin is now.
    init() {
        var realtime = timespec()
        clock_gettime(CLOCK_REALTIME, &realtime)
        origin = .now
        originWallNanoseconds = Int64(realtime.tv_sec) * 1_000_000_000 + Int64(realtime.tv_nsec)
    }

    /// Time since the origin (zero for instants before it).
    func elapsed(at instant: ContinuousClock.Instant = .now) -> Duration {
        max(.zero, instant - origin)
    }

    /// Microseconds since the origin.
    func microseconds(at instant: ContinuousClock.Instant = .now) -> Int64 {
        Self.microseconds(elapsed(at: instant))
    }

    /// The wall-clock time of `instant`, nanoseconds since the Unix epoch.
    func wallNanoseconds(at instant: ContinuousClock.Instant = .now) -> Int64 {
        let (seconds, attoseconds) = (instant - origin).components
        return originWallNanoseconds + seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// A duration in whole microseconds (rounded down).
    static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
