// The verdict of a run, decided once: the first failure wins (later ones are logged only), and a
// pass is recorded only when the duration elapsed without a failure. Any task may report. The
// moment of the verdict and, for a reconciliation failure, the kind of mismatch are kept for
// summary.json: replay and shrink tell failures apart by them.

import Synchronization

/// First-failure-wins verdict shared by the run's tasks.
final class RunVerdict: Sendable {
    private struct State {
        var failure: (reason: RunOutcome, message: String)?
        var passed = false
        var mismatch: String?
        var decidedAt: ContinuousClock.Instant?
    }
    private let state = Mutex(State())

    /// Records a failure (with the kind of mismatch of a reconciliation failure); returns true
    /// when it is the first.
    @discardableResult
    func fail(_ reason: RunOutcome, _ message: String, mismatch: String? = nil) -> Bool {
        precondition(reason != .pass, "a failure has a failing reason")
        return state.withLock { state in
            guard state.failure == nil else { return false }
            state.failure = (reason, message)
            state.mismatch = mismatch
            if !state.passed { state.decidedAt = .now }
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
            state.decidedAt = .now
            return true
        }
    }

    /// Records that the test duration elapsed (a failure recorded before or after still wins).
    func pass() {
        state.withLock { state in
            if !state.passed && state.failure == nil { state.decidedAt = .now }
            state.passed = true
        }
    }

    /// When the verdict was decided: the first failure, or the end of the duration.
    var decidedAt: ContinuousClock.Instant? { state.withLock { $0.decidedAt } }

    /// The kind of mismatch of a reconciliation failure (`wrong status`, …), else nil.
    var mismatch: String? { state.withLock { $0.mismatch } }

    /// Whether a failure has been recorded.
    var hasFailed: Bool { state.withLock { $0.failure != nil } }

    /// Whether the run is over (passed or failed).
    var isDecided: Bool { state.withLock { $0.failure != nil || $0.passed } }

    /// The final reason and message.
    var outcome: (reason: RunOutcome, message: String) {
        state.withLock { state in
            if let failure = state.failure { return failure }
            if state.passed { return (.pass, "test duration elapsed, every reply reconciled") }
            return (.internalError, "the run ended without a verdict")
        }
    }
}
