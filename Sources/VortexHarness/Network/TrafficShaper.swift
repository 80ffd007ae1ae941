// The part of a link shaper the netem backend drives: per-target netem behind u32 filters, a batch
// of in-place netem changes, target removal, and the current targets. The kernel's is Netem's LinkShaper (netlink); the
// backend's isolation logic (which target, when to swap, what to match) is unit-tested against an
// in-memory one, without a kernel.

import Netem

/// Per-target netem on one link.
protocol TrafficShaper: Sendable {
    /// Sets `parameters` on `target`, fed by filters on `matches` (replacing earlier ones).
    func setTargetNetem(
        _ parameters: NetemParameters,
        target: UInt16,
        matching matches: [PacketMatch]
    ) throws(NetemError)
    /// Changes the netem of targets already set, in place, in one exchange with the kernel.
    func setTargetsNetem(_ changes: [UInt16: NetemParameters]) throws(NetemError)
    /// Removes one target: its filters, class and netem.
    func removeTarget(_ target: UInt16) throws(NetemError)
    /// Removes every target and the root qdisc.
    func removeAll() throws(NetemError)
    /// The targets currently shaped and their matches.
    var targets: [UInt16: [PacketMatch]] { get }
}

extension LinkShaper: TrafficShaper {}
