// The clock every supervisor reads and sleeps on: restart intensity windows, backoff delays,
// readiness timeouts, shutdown timeouts and event timestamps all go through it. Production code
// uses `MonotonicClock`; tests use `ManualClock` and advance it, so no test of intensity, period
// or backoff ever sleeps on the wall clock.

import Synchronization

/// A monotonic clock a supervisor reads and sleeps on.
///
/// Instants are durations since the clock's own origin, so they can be stored, compared and
/// printed without knowing which clock produced them.
public protocol SupervisionClock: Sendable {
    /// The time elapsed since this clock's origin. Never decreases.
    var now: Duration { get }

    /// Suspends until `now >= deadline`. Throws `CancellationError` if the task is cancelled.
    func sleep(until deadline: Duration) async throws
}

/// The real clock: `ContinuousClock`, measured from the moment the clock was made.
public struct MonotonicClock: SupervisionClock {
    private let origin: ContinuousClock.Instant

    /// A clock whose origin is now.
    public init() {
        origin = ContinuousClock.now
    }

    /// Time elapsed since this clock was made.
    public var now: Duration { origin.duration(to: ContinuousClock.now) }

    /// Sleeps on `ContinuousClock` until the deadline.
    public func sleep(until deadline: Duration) async throws {
        try await Task.sleep(until: origin.advanced(by: deadline), clock: .continuous)
    }
}

/// A clock that only moves when told to: sleepers wake when `advance(by:)` passes their
/// deadline. For tests and simulations of restart intensity, backoff and timeouts.
public final class ManualClock: SupervisionClock {
    private struct Sleeper {
        let deadline: Duration
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Duration = .zero
        var sleepers: [Int: Sleeper] = [:]
        var nextSleeperID = 0
    }

    private let state = Mutex(State())

    /// A clock at time zero.
    public init() {}

    /// The clock's current time; changes only through `advance(by:)`.
    public var now: Duration { state.withLock { $0.now } }

    /// How many tasks are sleeping on this clock right now.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline anyone is sleeping until, if any.
    public var nextDeadline: Duration? {
        state.withLock { $0.sleepers.values.map(\.deadline).min() }
    }

    /// Moves time forward and wakes every sleeper whose deadline has been reached.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "ManualClock cannot go backwards")
        let woken: [Sleeper] = state.withLock { state in
            state.now += duration
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for key in due.keys { state.sleepers.removeValue(forKey: key) }
            return Array(due.values)
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    /// Suspends until the clock has been advanced to `deadline`.
    public func sleep(until deadline: Duration) async throws {
        let sleeperID = state.withLock { state in
            defer { state.nextSleeperID += 1 }
            return state.nextSleeperID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Bool? = state.withLock { state in
                    if deadline <= state.now { return true }
                    if Task.isCancelled { return false }
                    state.sleepers[sleeperID] = Sleeper(
                        deadline: deadline,
                        continuation: continuation
                    )
                    return nil
                }
                switch outcome {
                case .some(true): continuation.resume()
                case .some(false): continuation.resume(throwing: CancellationError())
                case .none: break
                }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: sleeperID) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
