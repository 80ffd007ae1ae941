// Ending a child politely, then surely: SIGTERM (and SIGCONT, so a stopped process sees it),
// then SIGKILL after a grace period. For a child that leads a process group the whole group is
// covered, and the SIGKILL goes to the group whether or not the child itself is still there:
// a member that ignores SIGTERM must not outlive a leader that obeyed it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ChildProcess {
    /// After the group's SIGKILL, how long `terminate` waits for the members' ends (they die
    /// at once unless in uninterruptible sleep, e.g. stuck on a dead network file system).
    public static let killedMembersSettleLimit: Duration = .seconds(10)

    /// Ends the child and returns how it ended.
    ///
    /// - A child that leads a process group (`.newGroup`, `.newSession`): SIGTERM and then
    ///   SIGCONT go to the group; when the child has ended and the group has no live member
    ///   within `gracePeriod`, that is all. Otherwise SIGKILL goes to the group, whether or not
    ///   the child is still there, and `terminate` returns once the child has been reaped and
    ///   the members have ended (waiting at most `killedMembersSettleLimit` for the members).
    ///   This also runs when the child had already ended, for members it left behind.
    /// - Any other child: SIGTERM and SIGCONT to the child alone, SIGKILL to it after
    ///   `gracePeriod`. Its descendants are not reached.
    ///
    /// Not covered: processes that left the group (`setpgid`, `setsid`, daemons); use
    /// `ProcessTree.relaunchUnderReaperIfNeeded()` or `Namespaces` for those. Zombies count as
    /// ended. Cancelling the calling task skips what is left of the grace period: SIGKILL
    /// follows at once.
    public func terminate(gracePeriod: Duration) async -> Termination {
        if leadsProcessGroup {
            return await terminateGroup(gracePeriod: gracePeriod)
        }
        if let termination = record.termination {
            return termination
        }
        try? signal(.terminate)
        // A stopped child would hold SIGTERM until the grace period ran out.
        try? resume()
        if let termination = await wait(timeout: gracePeriod) {
            return termination
        }
        try? kill()
        return await wait()
    }

    private func terminateGroup(gracePeriod: Duration) async -> Termination {
        let deadline = ContinuousClock.now + gracePeriod
        do {
            try signalGroup(.terminate)
            try resume()
        } catch {
            // The group is empty already; the waits below return at once.
        }
        let childEnded = await wait(timeout: deadline - ContinuousClock.now) != nil
        if childEnded, await ProcessGroupMembers.waitUntilEmpty(group: pid, deadline: deadline) {
            return await wait()
        }
        try? kill()  // To the group, whether or not its leader is still there.
        let termination = await wait()
        _ = await ProcessGroupMembers.waitUntilEmpty(
            group: pid,
            deadline: ContinuousClock.now + ChildProcess.killedMembersSettleLimit
        )
        return termination
    }
}
