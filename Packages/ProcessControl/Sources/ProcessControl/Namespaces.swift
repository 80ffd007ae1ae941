// Running a harness in its own user, pid, network and mount namespaces, as TigerBeetle's vortex
// does: fixed ports never collide with the host, and when the namespace's init (our inner
// process) dies the kernel kills everything started inside it, so nothing outlives a run.
//
// Shape (Relaunch.swift): the outer process re-executes itself with the same arguments in new
// namespaces, forwards SIGINT/SIGTERM/SIGHUP/SIGQUIT to it (a second signal kills it), waits,
// and exits with its status. The inner process gets SIGKILL when the outer dies (death signal), is pid 1 with a
// fresh /proc, is root inside a user namespace that maps the caller, and has `lo` up.

internal import CProcessControl
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Namespaces, loopback and reaping for processes that supervise others (Linux).
public enum Namespaces {
    /// Set in the inner process's environment by the relaunch (and removed at once inside).
    /// The C shim's constructor (hold_early_termination_signals) reads the same name.
    private static let innerMarker = "PROCESS_CONTROL_INNER_NAMESPACE"

    nonisolated(unsafe) private static var insideRelaunch = false

    /// True in the inner process after `relaunchInNewNamespacesIfNeeded` returned.
    public static var isInsideRelaunchedNamespaces: Bool {
        insideRelaunch
    }

    /// Re-executes this executable in new user+pid+net+mount namespaces and never returns in
    /// the outer process; returns in the inner one (pid 1 there, `lo` up, orphans reaped).
    /// The inner process starts with SIGINT, SIGTERM, SIGHUP and SIGQUIT blocked, so that none
    /// forwarded early is dropped: create a `SignalWatcher` for them as its first step.
    ///
    /// - Parameter afterInnerExit: runs in the outer process once the inner one has ended and
    ///   before the outer exits with the inner's status (e.g. to remove temporary files an
    ///   inner process killed by SIGKILL could not remove).
    /// - Throws: `namespaceSetupFailed` with the kernel's reason when the namespaces cannot be
    ///   made (for example unprivileged user namespaces disabled).
    public static func relaunchInNewNamespacesIfNeeded(
        afterInnerExit: @Sendable (Termination) -> Void = { _ in }
    ) throws(ProcessControlError) {
        if Relaunch.isInner(plan) {
            insideRelaunch = true
            try bringLoopbackUp()
            Reactor.shared.reapOrphans()
            return
        }
        try Relaunch.runOuter(plan, afterInnerExit: afterInnerExit)
    }

    /// The namespace relaunch: termination signals stay blocked (pending) in the inner process
    /// until it creates a SignalWatcher, as pid 1 would drop them while it has no handler.
    private static let plan = Relaunch.Plan(
        marker: innerMarker,
        namespaces: NamespaceRequest(
            flags: Int32(CPC_NAMESPACE_USER) | Int32(CPC_NAMESPACE_PID)
                | Int32(CPC_NAMESPACE_NET) | Int32(CPC_NAMESPACE_MOUNT),
            mountProc: true,
            blockTerminationSignals: true
        ),
        reapsDescendants: false,
        setupFailure: .namespaceSetupFailed
    )

    /// The absolute path of the running executable.
    public static func currentExecutablePath() throws(ProcessControlError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, Int(PATH_MAX))
        if length <= 0 {
            throw ProcessControlError(
                code: .namespaceSetupFailed,
                message: "cannot find the running executable through /proc/self/exe",
                underlyingError: Errno(rawValue: errno)
            )
        }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Brings the loopback link of the current network namespace up, over rtnetlink.
    public static func bringLoopbackUp() throws(ProcessControlError) {
        let result = cpc_loopback_up()
        if result != 0 {
            throw ProcessControlError(
                code: .namespaceSetupFailed,
                message:
                    "cannot bring the loopback link up (needs CAP_NET_ADMIN in this network namespace)",
                underlyingError: Errno(rawValue: result)
            )
        }
    }

    /// Makes this process a child subreaper: orphaned descendants are re-parented to it and
    /// reaped automatically, so none lingers as a zombie.
    public static func becomeSubreaper() throws(ProcessControlError) {
        let result = cpc_become_subreaper()
        if result != 0 {
            throw ProcessControlError(
                code: .ioFailed,
                message: "cannot become a child subreaper",
                underlyingError: Errno(rawValue: result)
            )
        }
        Reactor.shared.reapOrphans()
    }
}
