// Shapes the egress traffic of one link: netem for the whole link, a TBF rate limit, or netem per
// target (an HTB class fed by u32 filters, so one replica's traffic can be delayed or dropped
// while the rest passes). Remembers what it added so that it can change it in place and remove
// exactly that.

internal import CNetemShim
internal import CNetlink
internal import Synchronization

/// Which qdisc tree the shaper keeps at the root of its link. Handles are fixed so that a
/// parameter change is an in-place change of the same qdisc (no gap, queued packets kept):
///
/// - whole link: `netem 11:` at root;
/// - rate limit: `tbf 12:` at root;
/// - targets: `htb 10:` at root with no default class (unmatched packets pass unshaped), and per
///   target N: class `10:N`, `netem (1000+N):` inside it, u32 filters at priority N → `10:N`.
public final class LinkShaper: @unchecked Sendable {
    /// The socket (and so the network namespace) the shaper talks through.
    public let socket: RouteSocket
    /// The shaped link.
    public let link: Link

    /// Root handle of the HTB tree used for targets.
    public static let targetRootHandle = TCHandle(major: 0x10, minor: 0)
    /// Root handle of whole-link netem.
    public static let linkNetemHandle = TCHandle(major: 0x11, minor: 0)
    /// Root handle of the TBF rate limit.
    public static let rateLimitHandle = TCHandle(major: 0x12, minor: 0)
    /// Largest target number (class minors and filter priorities are 1...maxTarget).
    public static let maxTarget: UInt16 = 0x0FFF
    /// Rate of each target's HTB class: high enough never to shape (netem inside does).
    public static let targetClassRateBytesPerSecond: UInt64 = 12_500_000_000

    private enum Root: Equatable {
        case linkNetem
        case rateLimit
        case targets
    }

    /// What shapes a target's packets: netem inside its class, or the class rate alone.
    private enum TargetLeaf: Equatable {
        case netem(NetemParameters)
        case rate(UInt64)

        var classRate: UInt64 {
            if case .rate(let rate) = self { return rate }
            return LinkShaper.targetClassRateBytesPerSecond
        }
    }

    private struct Target {
        var leaf: TargetLeaf
        var matches: [PacketMatch]
    }

    private struct State {
        var root: Root?
        var targets: [UInt16: Target] = [:]
    }

    private let state = Mutex(State())

    /// A shaper for `link`, reached through `socket`. It owns the link's root qdisc: whatever was
    /// there is replaced by the first change.
    public init(socket: RouteSocket, link: Link) {
        self.socket = socket
        self.link = link
    }

    /// The class of target `target`.
    public static func targetClass(_ target: UInt16) -> TCHandle {
        TCHandle(major: targetRootHandle.major, minor: target)
    }

    /// The netem qdisc inside target `target`'s class.
    public static func targetNetemHandle(_ target: UInt16) -> TCHandle {
        TCHandle(major: 0x1000 + target, minor: 0)
    }

    /// Applies `parameters` to everything leaving the link (netem as root qdisc). Called again, it
    /// changes the same qdisc in place. Replaces a rate limit or targets set before.
    /// - Throws: `NetemError.unsupported(kind: "netem")` on a kernel without sch_netem.
    public func setLinkNetem(_ parameters: NetemParameters) throws(NetemError) {
        try parameters.validate()
        try state.withLock { state throws(NetemError) in
            try socket.withSocket { socket throws(NetemError) in
                try sendNetem(
                    parameters,
                    socket: socket,
                    link: link,
                    parent: .root,
                    handle: Self.linkNetemHandle,
                    flags: createOrReplace
                )
            }
            state.root = .linkNetem
            state.targets = [:]
        }
    }

    /// Limits everything leaving the link with a token bucket (TBF as root qdisc). Called again,
    /// it changes the same qdisc in place. Replaces netem or targets set before.
    public func setRateLimit(_ bucket: TokenBucket) throws(NetemError) {
        try bucket.validate()
        try state.withLock { state throws(NetemError) in
            try socket.withSocket { socket throws(NetemError) in
                try addQdisc(
                    socket: socket,
                    link: link,
                    kind: "tbf",
                    parent: .root,
                    handle: Self.rateLimitHandle
                ) { qdisc throws(NetemError) in
                    rtnl_qdisc_tbf_set_rate(
                        qdisc,
                        Int32(bucket.rateBytesPerSecond),
                        Int32(bucket.burstBytes),
                        0
                    )
                    try checkLibnl(
                        rtnl_qdisc_tbf_set_limit_by_latency(
                            qdisc,
                            Int32((bucket.latencyMs * 1000).rounded())
                        ),
                        "set tbf latency"
                    )
                }
            }
            state.root = .rateLimit
            state.targets = [:]
        }
    }

    /// Applies `parameters` to the packets matching any of `matches` (target number `target`,
    /// 1...maxTarget; e.g. replica index + 1). The first call for a target adds its class, netem
    /// and filters; later calls change the netem in place (no gap, queued packets kept) and touch
    /// the filters only when `matches` changed. Replaces whole-link netem or a rate limit set
    /// before.
    /// - Throws: `NetemError.unsupported(kind: "netem")` on a kernel without sch_netem (nothing
    ///   is left behind).
    public func setTargetNetem(
        _ parameters: NetemParameters,
        target: UInt16,
        matching matches: [PacketMatch]
    ) throws(NetemError) {
        try parameters.validate()
        try setTarget(.netem(parameters), target: target, matching: matches)
    }

    /// Changes the netem of targets that already carry one, in place, in one netlink round trip
    /// (every request in one message, only the last acknowledged: the kernel handles them in
    /// order and reports each failure). Their classes and filters stay as they are. A target
    /// without netem yet, or a non-uniform delay distribution, goes through `setTargetNetem`.
    /// - Throws: the first request's `NetemError`; the others may have taken effect.
    public func setTargetsNetem(_ changes: [UInt16: NetemParameters]) throws(NetemError) {
        for parameters in changes.values { try parameters.validate() }
        let batchable = state.withLock { state in
            state.root == .targets
                && changes.allSatisfy { target, parameters in
                    if case .netem = state.targets[target]?.leaf {
                        return parameters.distribution == .uniform
                    }
                    return false
                }
        }
        guard batchable else {
            for target in changes.keys.sorted() {
                guard let parameters = changes[target],
                    let matches = state.withLock({ $0.targets[target]?.matches })
                else {
                    throw .invalidParameters("target \(target) is not shaped yet: set it first")
                }
                try setTargetNetem(parameters, target: target, matching: matches)
            }
            return
        }
        let targets = changes.keys.sorted()
        let batch = targets.map { target in
            var change = vx_netem_change()
            change.parent = Self.targetClass(target).rawValue
            change.handle = Self.targetNetemHandle(target).rawValue
            if let parameters = changes[target] { change.options = parameters.kernelOptions() }
            return change
        }
        try state.withLock { state throws(NetemError) in
            try socket.withSocket { socket throws(NetemError) in
                var failed = 0
                let code = batch.withUnsafeBufferPointer { buffer in
                    vx_netem_send_batch(
                        socket,
                        link.index,
                        createOrReplace,
                        buffer.baseAddress,
                        buffer.count,
                        &failed
                    )
                }
                for (index, target) in targets.enumerated() where code >= 0 || index != failed {
                    if let parameters = changes[target] {
                        state.targets[target]?.leaf = .netem(parameters)
                    }
                }
                try checkLibnl(code, "change netem of \(targets.count) targets on \(link.name)")
            }
        }
    }

    /// Limits the packets matching any of `matches` to `rateBytesPerSecond` with the target's HTB
    /// class alone (no netem needed). Later calls change the class in place. A netem set on the
    /// target before is removed.
    public func setTargetRate(
        bytesPerSecond rateBytesPerSecond: UInt64,
        target: UInt16,
        matching matches: [PacketMatch]
    ) throws(NetemError) {
        guard rateBytesPerSecond > 0 else {
            throw .invalidParameters("a target rate must be > 0 bytes per second")
        }
        try setTarget(.rate(rateBytesPerSecond), target: target, matching: matches)
    }

    private func setTarget(
        _ leaf: TargetLeaf,
        target: UInt16,
        matching matches: [PacketMatch]
    )
        throws(NetemError)
    {
        precondition((1...Self.maxTarget).contains(target), "target must be 1...maxTarget")
        precondition(!matches.isEmpty, "a target needs at least one packet match")
        try state.withLock { state throws(NetemError) in
            try socket.withSocket { socket throws(NetemError) in
                try apply(leaf, target: target, matches: matches, state: &state, socket: socket)
            }
        }
    }

    private func apply(
        _ leaf: TargetLeaf,
        target: UInt16,
        matches: [PacketMatch],
        state: inout State,
        socket: OpaquePointer
    ) throws(NetemError) {
        let createdRoot = state.root != .targets
        if createdRoot {
            try addQdisc(
                socket: socket,
                link: link,
                kind: "htb",
                parent: .root,
                handle: Self.targetRootHandle
            ) { qdisc throws(NetemError) in
                try checkLibnl(rtnl_htb_set_defcls(qdisc, 0), "set htb default class")
            }
            state.root = .targets
            state.targets = [:]
        }
        let classHandle = Self.targetClass(target)
        let known = state.targets[target]
        do {
            var classRate = Self.targetClassRateBytesPerSecond
            if case .rate(let rate) = leaf { classRate = rate }
            if known == nil || known?.leaf.classRate != classRate {
                try addHTBClass(
                    socket: socket,
                    link: link,
                    parent: Self.targetRootHandle,
                    handle: classHandle,
                    rateBytesPerSecond: classRate
                )
            }
            switch leaf {
            case .netem(let parameters):
                try sendNetem(
                    parameters,
                    socket: socket,
                    link: link,
                    parent: classHandle,
                    handle: Self.targetNetemHandle(target),
                    flags: createOrReplace
                )
            case .rate:
                if case .netem = known?.leaf {
                    try deleteQdisc(
                        socket: socket,
                        link: link,
                        parent: classHandle,
                        handle: Self.targetNetemHandle(target)
                    )
                }
            }
        } catch {
            // Leave nothing half-built behind: undo what this call added.
            if createdRoot {
                try? deleteQdisc(
                    socket: socket,
                    link: link,
                    parent: .root,
                    handle: Self.targetRootHandle
                )
                state.root = nil
            } else if known == nil {
                try? deleteClass(
                    socket: socket,
                    link: link,
                    parent: Self.targetRootHandle,
                    handle: classHandle
                )
            }
            throw error
        }
        if known?.matches != matches {
            if known != nil {
                try deleteFilters(
                    socket: socket,
                    link: link,
                    parent: Self.targetRootHandle,
                    priority: target
                )
            }
            for match in matches {
                try addU32Filter(
                    socket: socket,
                    link: link,
                    parent: Self.targetRootHandle,
                    priority: target,
                    match: match,
                    classID: classHandle
                )
            }
        }
        state.targets[target] = Target(leaf: leaf, matches: matches)
    }

    /// The targets currently shaped and their matches.
    public var targets: [UInt16: [PacketMatch]] {
        state.withLock { $0.targets.mapValues(\.matches) }
    }

    /// Removes one target: its filters, class and netem. Its packets pass unshaped again.
    public func removeTarget(_ target: UInt16) throws(NetemError) {
        try state.withLock { state throws(NetemError) in
            guard state.root == .targets, state.targets[target] != nil else { return }
            try socket.withSocket { socket throws(NetemError) in
                try deleteFilters(
                    socket: socket,
                    link: link,
                    parent: Self.targetRootHandle,
                    priority: target
                )
                try deleteClass(
                    socket: socket,
                    link: link,
                    parent: Self.targetRootHandle,
                    handle: Self.targetClass(target)
                )
            }
            state.targets[target] = nil
        }
    }

    /// Removes the root qdisc this shaper added (and everything below it); the link is back to
    /// the kernel's default qdisc. Does nothing when the shaper added nothing.
    public func removeAll() throws(NetemError) {
        try state.withLock { state throws(NetemError) in
            guard let root = state.root else { return }
            let handle =
                switch root {
                case .linkNetem: Self.linkNetemHandle
                case .rateLimit: Self.rateLimitHandle
                case .targets: Self.targetRootHandle
                }
            try socket.withSocket { socket throws(NetemError) in
                try deleteQdisc(socket: socket, link: link, parent: .root, handle: handle)
            }
            state.root = nil
            state.targets = [:]
        }
    }

    /// Reads the link's qdiscs, classes and filters back from the kernel.
    public func readTree() throws(NetemError) -> QdiscTree {
        try QdiscTree.read(socket: socket, link: link)
    }
}
