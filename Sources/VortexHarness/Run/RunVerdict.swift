// The verdict of a run, decided once: the first failure wins (later ones are logged only), and a
// pass is recorded only when the duration elapsed without a failure. Any task may report.

import Synchronization

/// First-failure-wins verdict shared by the run's tasks.
final class RunVerdict: Sendable {
    private struct State {
        var failure: (reason: RunOutcome, message: String)?
        var passed = false
        /// When the failure (or interruption) was recorded, for report.html's marker.
        var failedAt: ContinuousClock.Instant?
    }
    private let state = Mutex(State())

    /// Records a failure; returns true when it is the first.
    @discardableResult
    func fail(_ reason: RunOutcome, _ message: String) -> Bool {
        precondition(reason != .pass, "a failure has a failing reason")
        return state.withLock { state in
            guard state.failure == nil else { return false }
            state.failure = (reason, message)
            state.failedAt = .now
            return true
        }
    }

    /// Records an interruption unless the run already has a verdict (passed or failed); returns
    /// whether it did. A signal that comes after the pass leaves the pass standing.
    @discardableResult
    func interrupt(_ message: String) -> Bool {
        state.withLock { state in
            guard state.failure == nil && !state.passed else { return false }
            state.failure = (.interrupted, message)
            state.failedAt = .now
            return true
        }
    }

    /// Records that the test duration elapsed (a failure recorded before or after still wins).
    func pass() {
        state.withLock { $0.passed = true }
    }

    /// Whether a failure has been recorded.
    var hasFailed: Bool { state.withLock { $0.failure != nil } }

    /// Whether the run is over (passed or failed).
    var isDecided: Bool { state.withLock { $0.failure != nil || $0.passed } }

    /// When the deciding failure or interruption was recorded (nil after a pass).
    var failedAt: ContinuousClock.Instant? { state.withLock { $0.failedAt } }

    /// The final reason and message.
    var outcome: (reason: RunOutcome, message: String) {
        state.withLock { state in
            if let failure = state.failure { return failure }
            if state.passed { return (.pass, "test duration elapsed, every reply reconciled") }
            return (.internalError, "the run ended without a verdict")
        }
    }
}
