// A value that is set once and awaited by any number of tasks. The supervisor uses it for a
// child's exit reason, a supervisor's readiness and outcome, and the "shut down brutally now"
// request, so that a wait can race a deadline without polling. Awaiting is cancellable: a
// cancelled waiter returns nil, which is what lets a task group pick whichever comes first.

import Synchronization

final class OneShot<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
        var nextWaiterID = 0
    }

    private let state = Mutex(State())

    init() {}

    /// The value, or nil while it has not been set.
    var value: Value? { state.withLock { $0.value } }

    /// Sets the value and wakes every waiter. Returns false (and changes nothing) when a value
    /// was already set: the first one wins.
    @discardableResult
    func fulfil(_ value: Value) -> Bool {
        let waiters: [CheckedContinuation<Value?, Never>]? = state.withLock { state in
            if state.value != nil { return nil }
            state.value = value
            let waiters = Array(state.waiters.values)
            state.waiters.removeAll()
            return waiters
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(returning: value) }
        return true
    }

    /// The value once it is set; nil if the waiting task is cancelled first.
    func wait() async -> Value? {
        let waiterID = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let immediate: Value?? = state.withLock { state in
                    if let value = state.value { return .some(value) }
                    // Checked under the lock: the cancellation handler takes the same lock
                    // after the flag is set, so either it finds this waiter or we see the flag.
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[waiterID] = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: waiterID) }
            waiter?.resume(returning: nil)
        }
    }
}
