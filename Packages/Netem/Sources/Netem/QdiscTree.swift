// Reads a link's traffic-control tree (qdiscs, classes, filters) back from the kernel through
// libnl caches, with the netem, TBF, HTB and u32 details the shaper sets.

internal import CNetlink

/// What a netem qdisc reports back (libnl parses the fixed fields only: no rate or
/// Gilbert-Elliott state).
public struct NetemSettings: Sendable, Hashable {
    /// Delay in milliseconds (microsecond precision).
    public var delayMs: Double
    /// Jitter in milliseconds.
    public var jitterMs: Double
    /// Random loss in percent.
    public var lossPercent: Double
    /// Duplication in percent.
    public var duplicationPercent: Double
    /// Corruption in percent.
    public var corruptionPercent: Double
    /// Reordering in percent.
    public var reorderPercent: Double
    /// Reordering gap.
    public var reorderGap: UInt32
    /// Queue limit in packets.
    public var limitPackets: UInt32
}

/// One qdisc of the link.
public struct QdiscEntry: Sendable, Hashable {
    /// "netem", "htb", "tbf", "noqueue", …
    public var kind: String
    /// Its handle.
    public var handle: TCHandle
    /// Its parent (`TCHandle.root` at the root).
    public var parent: TCHandle
    /// netem settings when `kind == "netem"`.
    public var netem: NetemSettings?
    /// TBF rate in bytes per second when `kind == "tbf"`.
    public var tbfRateBytesPerSecond: UInt64?
}

/// One class of the link.
public struct ClassEntry: Sendable, Hashable {
    /// "htb", …
    public var kind: String
    /// Its handle.
    public var handle: TCHandle
    /// Its parent.
    public var parent: TCHandle
    /// HTB rate in bytes per second when `kind == "htb"`.
    public var htbRateBytesPerSecond: UInt64?
}

/// One filter of the link (u32 hash tables show up as filters without a class).
public struct FilterEntry: Sendable, Hashable {
    /// "u32", …
    public var kind: String
    /// The qdisc it is attached to.
    public var parent: TCHandle
    /// Its priority (the shaper uses the target number).
    public var priority: UInt16
    /// The kernel's handle for it (u32: "800::800" packed).
    public var handle: UInt32
    /// Where matching packets go.
    public var classID: TCHandle?
    /// u32 keys: (value, mask, offset) in host byte order.
    public var keys: [U32Key]
}

/// One u32 key: the 32-bit word at `offset` in the IP header, masked, must equal `value`.
public struct U32Key: Sendable, Hashable {
    /// Expected value (host byte order, already masked).
    public var value: UInt32
    /// Mask (host byte order).
    public var mask: UInt32
    /// Byte offset from the start of the IPv4 header.
    public var offset: Int32

    /// The match this key encodes, when it is one the shaper writes.
    public var packetMatch: PacketMatch? {
        switch (offset, mask) {
        case (20, 0x0000_FFFF): return .destinationPort(UInt16(value & 0xFFFF))
        case (20, 0xFFFF_0000): return .sourcePort(UInt16(value >> 16))
        case (16, _), (12, _):
            let length = mask.nonzeroBitCount
            let address = IPv4Address(value: value)
            return offset == 16
                ? .destinationAddress(address, prefixLength: length)
                : .sourceAddress(address, prefixLength: length)
        default: return nil
        }
    }
}

/// A link's traffic-control tree as the kernel reports it.
public struct QdiscTree: Sendable, Hashable {
    /// All qdiscs of the link.
    public var qdiscs: [QdiscEntry]
    /// All classes of the link.
    public var classes: [ClassEntry]
    /// All filters attached to the link's classful qdiscs.
    public var filters: [FilterEntry]

    /// The qdisc at the root of the link.
    public var rootQdisc: QdiscEntry? { qdiscs.first { $0.parent == .root } }

    static func read(socket: RouteSocket, link: Link) throws(NetemError) -> QdiscTree {
        try socket.withSocket { socket throws(NetemError) -> QdiscTree in
            let qdiscs = try readQdiscs(socket: socket, link: link)
            let classes = try readClasses(socket: socket, link: link)
            var filters: [FilterEntry] = []
            for qdisc in qdiscs where qdisc.kind == "htb" {
                filters += try readFilters(socket: socket, link: link, parent: qdisc.handle)
            }
            return QdiscTree(qdiscs: qdiscs, classes: classes, filters: filters)
        }
    }
}

/// Calls `body` on each object of a libnl cache, then frees the cache.
private func forEachObject(
    in cache: OpaquePointer?,
    _ body: (OpaquePointer) throws(NetemError) -> Void
) throws(NetemError) {
    guard let cache else { return }
    defer { nl_cache_free(cache) }
    var object = nl_cache_get_first(cache)
    var remaining = 100_000
    while let current = object, remaining > 0 {
        try body(current)
        object = nl_cache_get_next(current)
        remaining -= 1
    }
}

private func kindOf(_ object: OpaquePointer) -> String {
    rtnl_tc_get_kind(object).map { String(cString: $0) } ?? "?"
}

private func readQdiscs(socket: OpaquePointer, link: Link) throws(NetemError) -> [QdiscEntry] {
    var cache: OpaquePointer?
    try checkLibnl(rtnl_qdisc_alloc_cache(socket, &cache), "read qdiscs of \(link.name)")
    var entries: [QdiscEntry] = []
    try forEachObject(in: cache) { qdisc throws(NetemError) in
        guard rtnl_tc_get_ifindex(qdisc) == link.index else { return }
        let kind = kindOf(qdisc)
        var entry = QdiscEntry(
            kind: kind,
            handle: TCHandle(rawValue: rtnl_tc_get_handle(qdisc)),
            parent: TCHandle(rawValue: rtnl_tc_get_parent(qdisc))
        )
        if kind == "netem" {
            // libnl returns -NLE_NOATTR for a field the kernel did not send; any other value is
            // the kernel's 32-bit probability (100 % reads as -1 through the Int32).
            func probability(_ value: Int32) -> Double {
                value == -NLE_NOATTR ? 0 : percent(kernelProbability: UInt32(bitPattern: value))
            }
            entry.netem = NetemSettings(
                delayMs: Double(max(0, rtnl_netem_get_delay(qdisc))) / 1000,
                jitterMs: Double(max(0, rtnl_netem_get_jitter(qdisc))) / 1000,
                lossPercent: probability(rtnl_netem_get_loss(qdisc)),
                duplicationPercent: probability(rtnl_netem_get_duplicate(qdisc)),
                corruptionPercent: probability(rtnl_netem_get_corruption_probability(qdisc)),
                reorderPercent: probability(rtnl_netem_get_reorder_probability(qdisc)),
                reorderGap: UInt32(max(0, rtnl_netem_get_gap(qdisc))),
                limitPackets: UInt32(max(0, rtnl_netem_get_limit(qdisc)))
            )
        } else if kind == "tbf" {
            entry.tbfRateBytesPerSecond = UInt64(max(0, rtnl_qdisc_tbf_get_rate(qdisc)))
        }
        entries.append(entry)
    }
    return entries
}

private func readClasses(socket: OpaquePointer, link: Link) throws(NetemError) -> [ClassEntry] {
    var cache: OpaquePointer?
    try checkLibnl(
        rtnl_class_alloc_cache(socket, link.index, &cache),
        "read classes of \(link.name)"
    )
    var entries: [ClassEntry] = []
    try forEachObject(in: cache) { tcClass throws(NetemError) in
        let kind = kindOf(tcClass)
        var rate: UInt64 = 0
        let hasRate = kind == "htb" && rtnl_htb_get_rate64(tcClass, &rate) >= 0
        entries.append(
            ClassEntry(
                kind: kind,
                handle: TCHandle(rawValue: rtnl_tc_get_handle(tcClass)),
                parent: TCHandle(rawValue: rtnl_tc_get_parent(tcClass)),
                htbRateBytesPerSecond: hasRate ? rate : nil
            )
        )
    }
    return entries
}

private func readFilters(
    socket: OpaquePointer,
    link: Link,
    parent: TCHandle
)
    throws(NetemError) -> [FilterEntry]
{
    var cache: OpaquePointer?
    try checkLibnl(
        rtnl_cls_alloc_cache(socket, link.index, parent.rawValue, &cache),
        "read filters of \(link.name) parent \(parent)"
    )
    var entries: [FilterEntry] = []
    try forEachObject(in: cache) { filter throws(NetemError) in
        let kind = kindOf(filter)
        var entry = FilterEntry(
            kind: kind,
            parent: parent,
            priority: rtnl_cls_get_prio(filter),
            handle: rtnl_tc_get_handle(filter),
            classID: nil,
            keys: []
        )
        if kind == "u32" {
            var classID: UInt32 = 0
            if rtnl_u32_get_classid(filter, &classID) >= 0 {
                entry.classID = TCHandle(rawValue: classID)
            }
            var index: UInt8 = 0
            var value: UInt32 = 0
            var mask: UInt32 = 0
            var offset: Int32 = 0
            var offsetMask: Int32 = 0
            while index < 128,
                rtnl_u32_get_key(filter, index, &value, &mask, &offset, &offsetMask) >= 0
            {
                entry.keys.append(
                    U32Key(
                        value: UInt32(bigEndian: value),
                        mask: UInt32(bigEndian: mask),
                        offset: offset
                    )
                )
                index += 1
            }
        }
        entries.append(entry)
    }
    return entries
}
