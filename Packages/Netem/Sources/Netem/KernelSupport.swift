// Tells whether this kernel can run the netem backend: tries each qdisc and classifier the
// backend uses on `lo` of a throw-away network namespace (gone when the probe's socket closes),
// so nothing is left behind and the caller's own network is never touched.

internal import CNetlink

/// What the running kernel supports, found by trying it.
public struct KernelSupport: Sendable, Hashable, CustomStringConvertible {
    /// sch_netem (delay, loss, corruption, …).
    public var netem: Bool
    /// sch_htb (classes per target).
    public var htb: Bool
    /// sch_tbf (rate limits).
    public var tbf: Bool
    /// cls_u32 (filters on ports and addresses).
    public var u32: Bool

    /// A value from known answers.
    public init(netem: Bool, htb: Bool, tbf: Bool, u32: Bool) {
        self.netem = netem
        self.htb = htb
        self.tbf = tbf
        self.u32 = u32
    }

    /// True when every part of the netem backend can be used.
    public var netemBackendUsable: Bool { netem && htb && u32 }

    /// One line per capability ("netem: yes", …).
    public var description: String {
        func line(_ name: String, _ value: Bool) -> String { "\(name): \(value ? "yes" : "no")" }
        return [
            line("netem", netem), line("htb", htb), line("tbf", tbf), line("u32", u32),
        ].joined(separator: "\n")
    }

    /// Throws the first missing piece as `NetemError.unsupported` (netem first, whose message
    /// names the fix: `--faults proxy` or a kernel with CONFIG_NET_SCH_NETEM).
    public func requireNetemBackend() throws(NetemError) {
        if !netem { throw .unsupported(kind: "netem") }
        if !htb { throw .unsupported(kind: "htb") }
        if !u32 { throw .unsupported(kind: "u32") }
    }

    /// Probes the kernel in a fresh network namespace (needs root: CAP_SYS_ADMIN to create it).
    /// Loads modules on demand like any first use would.
    /// - Throws: `NetemError.namespaceUnavailable` or `.permissionDenied` when the probe cannot
    ///   run at all.
    public static func probe() throws(NetemError) -> KernelSupport {
        let socket = try RouteSocket(namespace: .fresh)
        return try probe(socket: socket, link: try socket.link(named: "lo"))
    }

    /// Probes on `link` through `socket`. Replaces the link's root qdisc while it runs and
    /// leaves the kernel's default there afterwards: use a link nothing else shapes.
    public static func probe(
        socket: RouteSocket,
        link: Link
    ) throws(NetemError)
        -> KernelSupport
    {
        let shaper = LinkShaper(socket: socket, link: link)
        var support = KernelSupport(netem: false, htb: false, tbf: false, u32: false)
        support.tbf = try attempt { () throws(NetemError) in
            try shaper.setRateLimit(TokenBucket(rateBytesPerSecond: 125_000, burstBytes: 10_000))
        }
        try shaper.removeAll()
        support.netem = try attempt { () throws(NetemError) in
            try shaper.setLinkNetem(NetemParameters(delayMs: 1))
        }
        try shaper.removeAll()
        try socket.withSocket { socket throws(NetemError) in
            support.htb = try attempt { () throws(NetemError) in
                try addQdisc(
                    socket: socket,
                    link: link,
                    kind: "htb",
                    parent: .root,
                    handle: LinkShaper.targetRootHandle
                )
                try addHTBClass(
                    socket: socket,
                    link: link,
                    parent: LinkShaper.targetRootHandle,
                    handle: LinkShaper.targetClass(1),
                    rateBytesPerSecond: 125_000
                )
            }
            if support.htb {
                support.u32 = try attempt { () throws(NetemError) in
                    try addU32Filter(
                        socket: socket,
                        link: link,
                        parent: LinkShaper.targetRootHandle,
                        priority: 1,
                        match: .destinationPort(9),
                        classID: LinkShaper.targetClass(1)
                    )
                }
                try deleteQdisc(
                    socket: socket,
                    link: link,
                    parent: .root,
                    handle: LinkShaper.targetRootHandle
                )
            }
        }
        return support
    }

    /// True when `body` succeeds, false when the kernel lacks the kind; other errors propagate.
    private static func attempt(_ body: () throws(NetemError) -> Void) throws(NetemError) -> Bool {
        do {
            try body()
            return true
        } catch .unsupported {
            return false
        }
    }
}
