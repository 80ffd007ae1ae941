// Signals for a started child: to the child itself through its pidfd (never a recycled pid), or
// to its process group with kill(-pgid), which is the only way the kernel offers to reach a
// group. Suspend and resume are observed through waitid, so the state they report is the
// kernel's, not a guess.

internal import CProcessControl
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ChildProcess {
    /// Sends `signal` to the child through its pidfd: it reaches this child and no other
    /// process, even if the pid has been reused since.
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

    /// Sends `signal` to every process in the child's process group, with `kill(-pgid)`.
    ///
    /// The group is named by its id (the child's pid), not through a pidfd: Linux has no pidfd
    /// for a group. Success means the kernel found at least one process in the group and sent
    /// the signal to each; those may all be zombies (ended, not yet reaped by their parent),
    /// which act on no signal, and success says nothing about what a live member did with it.
    /// Processes that left the group (`setpgid`, `setsid`) are not reached.
    ///
    /// The group id stays reserved while any process is in the group, even after the child is
    /// reaped. Once this method has found the group empty after the child's end, it sends
    /// nothing more (the id may have been reused) and throws `noSuchProcess`.
    ///
    /// - Throws: `notGroupLeader` when the child was started without `.newGroup` or
    ///   `.newSession`; `noSuchProcess` when the group has no process left; `ioFailed` when
    ///   the kernel refused (for example EPERM).
    public func signalGroup(_ signal: Signal) throws(ProcessControlError) {
        guard leadsProcessGroup else {
            throw ProcessControlError(
                code: .notGroupLeader,
                message:
                    "cannot send \(signal) to the group of process \(pid): it was started "
                    + "without .newGroup or .newSession, so it leads no group"
            )
        }
        let leaderReaped = record.termination != nil
        if leaderReaped && record.isGroupGone {
            throw ProcessControlError(
                code: .noSuchProcess,
                message: "process group \(pid) is gone"
            )
        }
        if Glibc.kill(-pid, signal.rawValue) == 0 {
            return
        }
        let error = errno
        if error == ESRCH && leaderReaped {
            record.setGroupGone()
        }
        throw ProcessControlError(
            code: error == ESRCH ? .noSuchProcess : .ioFailed,
            message: "cannot send \(signal) to process group \(pid)",
            underlyingError: Errno(rawValue: error)
        )
    }

    /// Sends `signal` to the group when the child leads one, else to the child.
    func signalTree(_ signal: Signal) throws(ProcessControlError) {
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

    /// SIGKILL to the child (to its whole group when it leads one, even after the child itself
    /// has ended). Killing a child or group that has already ended is not an error.
    public func kill() throws(ProcessControlError) {
        do {
            try signalTree(.kill)
        } catch  where error.code == .noSuchProcess {
            return
        }
    }
}
