// Whole-tree clean-up when a program dies, without namespaces or privileges: the program runs
// under a small guard, itself re-executed. The guard is a child subreaper, so every process the
// program starts, and every process those start, stays its descendant even when orphaned
// (double forks and setsid included); once the program has ended, however it ended (exit,
// crash, SIGKILL), the guard SIGKILLs and reaps every descendant left, then exits with the
// program's status. A death signal reaches only a direct child; this reaches the whole tree.

/// Clean-up of everything a program started, when the program ends (Linux).
public enum ProcessTree {
    private static let plan = Relaunch.Plan(
        marker: "PROCESS_CONTROL_UNDER_REAPER",
        namespaces: nil,
        reapsDescendants: true,
        setupFailure: .spawnFailed
    )

    nonisolated(unsafe) private static var underReaper = false

    /// True in the program after `relaunchUnderReaperIfNeeded` returned.
    public static var isUnderReaper: Bool {
        underReaper
    }

    /// Re-executes this executable (same arguments and environment) under a guard process and
    /// never returns in the guard; returns in the program, which runs as the guard's child, in
    /// a process group of its own. Call it first thing in `main`.
    ///
    /// The guard:
    /// - forwards SIGINT, SIGTERM, SIGHUP and SIGQUIT to the program (a second one SIGKILLs
    ///   it); a signal that comes while the program starts is held and passed on. The program
    ///   has the default dispositions until it creates a `SignalWatcher`;
    /// - reaps descendants that end while the program runs (orphans are handed to it);
    /// - once the program has ended, for any reason, SIGKILLs every descendant left and reaps
    ///   it, round after round until none is left, then runs `afterInnerExit` and exits with
    ///   the program's status (128 + the signal number when a signal ended it).
    ///
    /// Guarantee: when the program ends, no process it started directly or indirectly is left
    /// running, including daemons that double-forked or called setsid, so long as the guard
    /// lives. Not covered: SIGKILL of the guard itself (the program then gets SIGKILL through
    /// its death signal, and its descendants are handed to the next subreaper or init: use
    /// `Namespaces.relaunchInNewNamespacesIfNeeded()` to cover that too); processes started
    /// outside the tree on the program's behalf (by systemd or another daemon). A descendant
    /// the program meant to outlive it is killed as well.
    ///
    /// - Throws: `spawnFailed` when the guard cannot be set up or the program not re-executed
    ///   (for example no /proc to find the executable in).
    public static func relaunchUnderReaperIfNeeded(
        afterInnerExit: @Sendable (Termination) -> Void = { _ in }
    ) throws(ProcessControlError) {
        if Relaunch.isInner(plan) {
            underReaper = true
            return
        }
        try Relaunch.runOuter(plan, afterInnerExit: afterInnerExit)
    }
}
