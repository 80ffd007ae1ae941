// Waiting for the processes of a child's group to end, not only the child. The kernel has no
// call that lists or waits for a process group, so members are found in /proc, each one is
// pinned with a pidfd (a pid reused meanwhile is never taken for a member), and their ends are
// awaited through the reactor like a pipe's readiness: no polling.

internal import CProcessControl

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

enum ProcessGroupMembers {
    /// At most this many members are awaited per round; the rest are found in the next round.
    private static let membersPerRoundMax = 1024
    /// Look-up-then-wait rounds: a member that forks adds a member, found in the next round.
    private static let roundsMax = 64

    /// Waits until group `group` has no live member (zombies do not count) or `deadline`
    /// passes, or the task is cancelled. Returns true when no live member is left.
    static func waitUntilEmpty(group: Int32, deadline: ContinuousClock.Instant) async -> Bool {
        for _ in 0..<roundsMax {
            guard let pidfds = openLiveMembers(group) else {
                // No /proc to look in: only an empty group can be told apart.
                return Glibc.kill(-group, 0) != 0 && errno == ESRCH
            }
            if pidfds.isEmpty {
                return true
            }
            let ended = await waitForEnds(pidfds, deadline: deadline)
            for pidfd in pidfds {
                _ = Glibc.close(pidfd)
            }
            if !ended {
                return false
            }
        }
        return false
    }

    /// Pidfds of the group's live members; nil when /proc cannot be read.
    private static func openLiveMembers(_ group: Int32) -> [Int32]? {
        var pids = [Int32](repeating: 0, count: membersPerRoundMax)
        let found = cpc_group_members(group, &pids, Int32(pids.count))
        if found < 0 {
            return nil
        }
        var pidfds: [Int32] = []
        for pid in pids.prefix(min(Int(found), membersPerRoundMax)) {
            var pidfd: Int32 = -1
            guard cpc_pidfd_open(pid, &pidfd) == 0 else { continue }
            // The pid may have changed hands between the listing and the open: keep the pidfd
            // only if the process behind the pid now is still a live member.
            var parent: Int32 = 0
            var memberGroup: Int32 = 0
            var state: CChar = 0
            let stillMember =
                cpc_process_stat(pid, &parent, &memberGroup, &state) == 0
                && memberGroup == group && state != CChar(UInt8(ascii: "Z"))
            if stillMember {
                pidfds.append(pidfd)
            } else {
                _ = Glibc.close(pidfd)
            }
        }
        return pidfds
    }

    /// Waits until every pidfd reports its process ended; false when the deadline or a
    /// cancellation comes first.
    private static func waitForEnds(
        _ pidfds: [Int32],
        deadline: ContinuousClock.Instant
    ) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for pidfd in pidfds {
                    let ended = await Reactor.shared.waitUntilReady(pidfd, writable: false)
                    if !ended { return false }
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
