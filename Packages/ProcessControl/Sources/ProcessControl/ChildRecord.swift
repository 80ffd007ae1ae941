// The record of one child that the reactor and every handle on it share: its pid and pidfd, its
// termination once reaped, whether it was observed stopped, and the tasks waiting for its end.
// Completing it twice is a programming error: each child is reaped exactly once.

import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Shared between a `ChildProcess` and the reactor; outlives whichever lets go first.
final class ChildRecord: Sendable {
    let pid: Int32
    let pidfd: Int32

    private struct State {
        var termination: Termination?
        var stopped = false
        var nextWaiterID: UInt64 = 0
        /// Bounded by the number of tasks waiting at once; each leaves when resumed.
        var waiters: [UInt64: CheckedContinuation<Termination?, Never>] = [:]
    }
    private let state = Mutex(State())
    /// Set once a group signal found the child's group empty after the child was reaped: the
    /// group id may then belong to someone else, so no group signal is sent any more.
    private let groupGone = Atomic<Bool>(false)

    init(pid: Int32, pidfd: Int32) {
        self.pid = pid
        self.pidfd = pidfd
    }

    deinit {
        _ = close(pidfd)
    }

    var termination: Termination? {
        state.withLock { $0.termination }
    }

    var isGroupGone: Bool {
        groupGone.load(ordering: .acquiring)
    }

    func setGroupGone() {
        precondition(termination != nil, "a group is only known gone after its leader is reaped")
        groupGone.store(true, ordering: .releasing)
    }

    var isStopped: Bool {
        state.withLock { $0.stopped }
    }

    func setStopped(_ stopped: Bool) {
        state.withLock { state in
            if state.termination == nil {
                state.stopped = stopped
            }
        }
    }

    func complete(_ termination: Termination) {
        let waiters = state.withLock { state in
            precondition(state.termination == nil, "child \(pid) reaped twice")
            state.termination = termination
            state.stopped = false
            let waiters = state.waiters
            state.waiters = [:]
            return waiters
        }
        for waiter in waiters.values {
            waiter.resume(returning: termination)
        }
    }

    /// Waits until the child is reaped, or (when `cancellable`) until the task is cancelled,
    /// which returns nil.
    func wait(cancellable: Bool) async -> Termination? {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let body = {
            await withCheckedContinuation {
                (continuation: CheckedContinuation<Termination?, Never>) in
                let done = self.state.withLock { state -> Termination?? in
                    if let termination = state.termination {
                        return .some(termination)
                    }
                    if cancellable && Task.isCancelled {
                        return .some(nil)
                    }
                    state.waiters[id] = continuation
                    return .none
                }
                if let done {
                    continuation.resume(returning: done)
                }
            }
        }
        if !cancellable {
            return await body()
        }
        return await withTaskCancellationHandler {
            await body()
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }
}
