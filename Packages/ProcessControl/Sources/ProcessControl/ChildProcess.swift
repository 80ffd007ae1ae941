// A handle on a started child: its pid, pipes and state, and waiting for its end (delivered
// when the reactor reaps it; each child is reaped exactly once, even if nobody ever waits).
// Signals live in ChildProcess+Signals.swift, termination in ChildProcess+Terminate.swift.

internal import CProcessControl

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

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

    let record: ChildRecord

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

    /// Blocks the calling thread until the child has ended and been reaped, without a task: for
    /// synchronous callers such as the outer process of a relaunch. The reactor does the reaping.
    func waitBlocking() -> Termination {
        var pid: pid_t = 0
        var code: Int32 = 0
        var status: Int32 = 0
        // WNOWAIT: observe the exit and leave the reaping to the reactor.
        _ = cpc_waitid_pidfd(record.pidfd, WEXITED | WNOWAIT, &pid, &code, &status)
        // The reactor records the result at once after the reap; wait out that moment
        // (bounded: 10 s in 1 ms steps).
        for _ in 0..<10_000 {
            if let termination = record.termination { return termination }
            usleep(1000)
        }
        preconditionFailure("child \(self.pid) ended but its termination was never recorded")
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
}
