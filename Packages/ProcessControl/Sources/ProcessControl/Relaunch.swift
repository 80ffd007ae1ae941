// The outer half of a relaunch, shared by the namespace relaunch (Namespaces.swift) and the
// reaper relaunch (ProcessTree.swift): the running program re-executes itself as an inner
// process, forwards termination signals to it, waits for it, and exits with its status. The
// inner process finds a marker in its environment and carries on as the program.

internal import CProcessControl
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

enum Relaunch {
    /// What the outer process sets up around the inner one.
    struct Plan: Sendable {
        /// Set in the inner process's environment; the inner removes it at once.
        var marker: String
        /// Namespaces the inner process is started in, if any.
        var namespaces: NamespaceRequest?
        /// Whether the outer process is a subreaper that kills and reaps every descendant left
        /// once the inner process has ended.
        var reapsDescendants: Bool
        /// The code of the error thrown when the outer process's own set-up fails.
        var setupFailure: ProcessControlError.Code
    }

    /// How often the reaping outer process collects orphans that ended on their own.
    private static let orphanReapPeriodMs: Int32 = 100
    /// Kill-and-reap rounds after the inner process ended; each round reaps at least one
    /// process, so only a tree that forks faster than it is killed can exhaust them.
    private static let descendantKillRoundsMax: Int32 = 100_000

    /// True (and the marker removed) in the inner process of `plan`.
    static func isInner(_ plan: Plan) -> Bool {
        guard getenv(plan.marker) != nil else { return false }
        unsetenv(plan.marker)
        return true
    }

    /// Starts the inner process and never returns: exits with the inner's status.
    static func runOuter(
        _ plan: Plan,
        afterInnerExit: (Termination) -> Void
    ) throws(ProcessControlError) -> Never {
        // Forwarding first: a signal that arrives while the inner process starts is held and
        // passed on, instead of killing this process and leaving the inner one to its death
        // signal.
        let forwarding = cpc_forward_signals_prepare()
        if forwarding != 0 {
            throw ProcessControlError(
                code: plan.setupFailure,
                message: "cannot install the signal handlers that forward to the inner process",
                underlyingError: Errno(rawValue: forwarding)
            )
        }
        let inner: ChildProcess
        do {
            if plan.reapsDescendants {
                try becomeSubreaperOnly(plan)
            }
            inner = try spawnInner(plan)
        } catch {
            cpc_forward_signals_cancel()
            throw error
        }
        cpc_forward_signals_to(inner.pidfd)
        if plan.reapsDescendants {
            cpc_reap_orphans_until_exit(inner.pidfd, inner.pid, orphanReapPeriodMs)
        }
        let termination = inner.waitBlocking()
        if plan.reapsDescendants {
            // Only this thread reaps non-ProcessControl children here, so a pid it lists stays
            // its child until it reaps it: no kill can reach a recycled pid.
            _ = cpc_kill_children(descendantKillRoundsMax)
        }
        afterInnerExit(termination)
        exit(termination.shellStatus)
    }

    /// PR_SET_CHILD_SUBREAPER without the reactor's orphan sweep: the outer process reaps
    /// orphans itself, so that its final kill never races another reaper.
    private static func becomeSubreaperOnly(_ plan: Plan) throws(ProcessControlError) {
        let result = cpc_become_subreaper()
        if result != 0 {
            throw ProcessControlError(
                code: plan.setupFailure,
                message: "cannot become a child subreaper",
                underlyingError: Errno(rawValue: result)
            )
        }
    }

    private static func spawnInner(_ plan: Plan) throws(ProcessControlError) -> ChildProcess {
        let executable = try Namespaces.currentExecutablePath()
        var command = Command(executable, arguments: Array(CommandLine.arguments.dropFirst()))
        command.environment = .inheritAdding([plan.marker: "1"])
        // Its own group: a terminal's Ctrl-C reaches only the outer, which forwards it once.
        command.processGroup = .newGroup
        command.deathSignal = .kill
        return try command.spawn(namespaces: plan.namespaces)
    }
}
