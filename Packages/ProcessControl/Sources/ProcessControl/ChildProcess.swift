// A handle on a started child: signals through its pidfd (never a recycled pid), suspend and
// resume observed through waitid, and an async termination result delivered when the reactor
// reaps the child. Each child is reaped exactly once, even if nobody ever waits for it.

internal import CProcessControl
import Synchronization
import SystemPackage

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

/// A started child process.
public final class ChildProcess: Sendable {
    /// The child's process id (in this process's pid namespace).
    public let pid: Int32
    /// The parent's end of the child's standard input, when it is a pipe.
    public let standardInput: PipeWriter?
    /// The parent's end of the child's standard output, when it is a pipe.
    public let standardOutput: PipeReader?
    /// The parent's end of the child's standard error, when it is a pipe.
    public let standardError: PipeReader?
    /// Whether the child leads its own process group (group signals then reach descendants).
    public let leadsProcessGroup: Bool

    private let record: ChildRecord

    /// The child's pidfd, open for as long as this handle lives.
    var pidfd: Int32 { record.pidfd }

    init(
        pid: Int32,
        pidfd: Int32,
        leadsGroup: Bool,
        standardInput: PipeWriter?,
        standardOutput: PipeReader?,
        standardError: PipeReader?
    ) {
        self.pid = pid
        self.leadsProcessGroup = leadsGroup
        self.standardInput = standardInput
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.record = ChildRecord(pid: pid, pidfd: pidfd)
        Reactor.shared.watch(record)
    }

    /// What the child is doing, as far as the kernel has reported.
    public var state: ChildState {
        if let termination = record.termination {
            return .exited(termination)
        }
        return record.isStopped ? .stopped : .running
    }

    /// How the child ended, or nil while it has not been reaped. Never blocks.
    public var termination: Termination? {
        record.termination
    }

    /// Waits until the child has ended and been reaped.
    public func wait() async -> Termination {
        guard let termination = await record.wait(cancellable: false) else {
            preconditionFailure("an uncancellable wait ended without a termination")
        }
        return termination
    }

    /// Blocks the calling thread until the child has ended, without a task: for synchronous
    /// callers such as the outer process of a namespace relaunch. The reactor still reaps it.
    func waitBlocking() -> Termination {
        var pid: pid_t = 0
        var code: Int32 = 0
        var status: Int32 = 0
        // WNOWAIT: observe the exit and leave the reaping to the reactor.
        let result = cpc_waitid_pidfd(record.pidfd, WEXITED | WNOWAIT, &pid, &code, &status)
        if result == 0 && pid != 0 {
            return Reactor.termination(code: code, status: status)
        }
        // Already reaped by the reactor (ECHILD): its result is recorded at once after the
        // reap; wait out that moment (bounded: 10 s in 1 ms steps).
        for _ in 0..<10_000 {
            if let termination = record.termination { return termination }
            usleep(1000)
        }
        preconditionFailure("child \(self.pid) was reaped but its termination was never recorded")
    }

    /// Waits until the child has ended and been reaped, at most `timeout`; nil when it is
    /// still running then (or the task was cancelled).
    public func wait(timeout: Duration) async -> Termination? {
        if let termination = record.termination {
            return termination
        }
        let record = self.record
        return await withTaskGroup(of: Termination?.self) { group in
            group.addTask { await record.wait(cancellable: true) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? record.termination
        }
    }

    /// Sends `signal` to the child through its pidfd.
    ///
    /// - Throws: `noSuchProcess` once the child has been reaped.
    public func signal(_ signal: Signal) throws(ProcessControlError) {
        let result = cpc_pidfd_send_signal(record.pidfd, signal.rawValue)
        if result != 0 {
            throw ProcessControlError(
                code: result == ESRCH ? .noSuchProcess : .ioFailed,
                message: "cannot send \(signal) to process \(pid)",
                underlyingError: Errno(rawValue: result)
            )
        }
    }

    /// Sends `signal` to the child's process group (requires `leadsProcessGroup`).
    public func signalGroup(_ signal: Signal) throws(ProcessControlError) {
        precondition(leadsProcessGroup, "signalGroup on a child that does not lead a group")
        if record.termination != nil {
            // The leader is reaped; its group id may only be reused once the group is empty.
            if Glibc.kill(-pid, signal.rawValue) != 0 {
                throw ProcessControlError(
                    code: .noSuchProcess,
                    message: "process group \(pid) is gone",
                    underlyingError: Errno(rawValue: errno)
                )
            }
            return
        }
        if Glibc.kill(-pid, signal.rawValue) != 0 {
            throw ProcessControlError(
                code: errno == ESRCH ? .noSuchProcess : .ioFailed,
                message: "cannot send \(signal) to process group \(pid)",
                underlyingError: Errno(rawValue: errno)
            )
        }
    }

    /// Sends `signal` to the group when the child leads one, else to the child.
    private func signalTree(_ signal: Signal) throws(ProcessControlError) {
        if leadsProcessGroup {
            try signalGroup(signal)
        } else {
            try self.signal(signal)
        }
    }

    /// Stops the child (SIGSTOP, to its group when it leads one) and returns once the kernel
    /// reports it stopped. Blocks the caller for that moment (microseconds unless the child is
    /// in uninterruptible sleep).
    public func suspend() throws(ProcessControlError) {
        try signalTree(.stop)
        var pid: pid_t = 0
        var code: Int32 = 0
        var status: Int32 = 0
        // WNOWAIT: an exit seen here is left for the reactor to reap.
        let result = cpc_waitid_pidfd(
            record.pidfd,
            WSTOPPED | WEXITED | WNOWAIT,
            &pid,
            &code,
            &status
        )
        if result != 0 {
            throw ProcessControlError(
                code: result == ECHILD ? .noSuchProcess : .ioFailed,
                message: "cannot observe process \(self.pid) stopping",
                underlyingError: Errno(rawValue: result)
            )
        }
        if code == cpc_cld_stopped || code == cpc_cld_trapped {
            // Consume the stop report so the next suspend waits for a fresh one.
            _ = cpc_waitid_pidfd(record.pidfd, WSTOPPED | WNOHANG, &pid, &code, &status)
            record.setStopped(true)
            return
        }
        throw ProcessControlError(
            code: .noSuchProcess,
            message: "process \(self.pid) ended instead of stopping"
        )
    }

    /// Continues a stopped child (SIGCONT, to its group when it leads one). SIGCONT takes
    /// effect while the signal is sent, so the continued state is observed at once.
    public func resume() throws(ProcessControlError) {
        try signalTree(.continue)
        var pid: pid_t = 0
        var code: Int32 = 0
        var status: Int32 = 0
        _ = cpc_waitid_pidfd(record.pidfd, WCONTINUED | WNOHANG, &pid, &code, &status)
        record.setStopped(false)
    }

    /// SIGKILL to the child (to its whole group when it leads one). Killing a child that has
    /// already ended is not an error.
    public func kill() throws(ProcessControlError) {
        do {
            try signalTree(.kill)
        } catch  where error.code == .noSuchProcess {
            return
        }
    }

    /// SIGTERM (to the group when the child leads one) followed by SIGCONT, so a stopped child
    /// sees it at once; SIGKILL if it has not ended after `gracePeriod`. Returns how it ended.
    public func terminate(gracePeriod: Duration) async -> Termination {
        if let termination = record.termination {
            return termination
        }
        do {
            try signalTree(.terminate)
            // A stopped child would hold SIGTERM until the grace period ran out.
            try resume()
        } catch {
            // Already gone: the reactor reports how it ended.
        }
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                do {
                    try await Task.sleep(for: gracePeriod)
                } catch {
                    return  // Cancelled: the child ended within the grace period.
                }
                try? self.kill()
            }
            let termination = await wait()
            group.cancelAll()
            return termination
        }
    }
}
