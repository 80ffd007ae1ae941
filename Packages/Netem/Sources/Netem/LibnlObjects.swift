// Thin wrappers over libnl's qdisc, class and classifier objects: allocate, fill, send, release.
// Each function sends one request and waits for the kernel's answer.

internal import CNetlink

/// Flags for "create, or change in place when it is already there" (tc's `replace`).
let createOrReplace = Int32(NLM_F_CREATE | NLM_F_REPLACE)

/// Adds or replaces a qdisc of `kind` configured by `configure`.
func addQdisc(
    socket: OpaquePointer,
    link: Link,
    kind: String,
    parent: TCHandle,
    handle: TCHandle,
    flags: Int32 = createOrReplace,
    configure: (OpaquePointer) throws(NetemError) -> Void = { _ in }
) throws(NetemError) {
    guard let qdisc = rtnl_qdisc_alloc() else {
        throw .netlink(operation: "allocate qdisc", code: NLE_NOMEM, message: "out of memory")
    }
    defer { rtnl_qdisc_put(qdisc) }
    rtnl_tc_set_ifindex(qdisc, link.index)
    rtnl_tc_set_parent(qdisc, parent.rawValue)
    rtnl_tc_set_handle(qdisc, handle.rawValue)
    try checkLibnl(rtnl_tc_set_kind(qdisc, kind), "use qdisc kind \(kind)", addingKind: kind)
    try configure(qdisc)
    try checkLibnl(
        rtnl_qdisc_add(socket, qdisc, flags),
        "add \(kind) qdisc \(handle) on \(link.name)",
        addingKind: kind
    )
}

/// Deletes the qdisc `handle` under `parent` (and everything below it).
func deleteQdisc(
    socket: OpaquePointer,
    link: Link,
    parent: TCHandle,
    handle: TCHandle
)
    throws(NetemError)
{
    guard let qdisc = rtnl_qdisc_alloc() else {
        throw .netlink(operation: "allocate qdisc", code: NLE_NOMEM, message: "out of memory")
    }
    defer { rtnl_qdisc_put(qdisc) }
    rtnl_tc_set_ifindex(qdisc, link.index)
    rtnl_tc_set_parent(qdisc, parent.rawValue)
    rtnl_tc_set_handle(qdisc, handle.rawValue)
    try checkLibnl(rtnl_qdisc_delete(socket, qdisc), "delete qdisc \(handle) on \(link.name)")
}

/// Adds or changes an HTB class that passes up to `rateBytesPerSecond`.
func addHTBClass(
    socket: OpaquePointer,
    link: Link,
    parent: TCHandle,
    handle: TCHandle,
    rateBytesPerSecond: UInt64
) throws(NetemError) {
    guard let htbClass = rtnl_class_alloc() else {
        throw .netlink(operation: "allocate class", code: NLE_NOMEM, message: "out of memory")
    }
    defer { rtnl_class_put(htbClass) }
    rtnl_tc_set_ifindex(htbClass, link.index)
    rtnl_tc_set_parent(htbClass, parent.rawValue)
    rtnl_tc_set_handle(htbClass, handle.rawValue)
    try checkLibnl(rtnl_tc_set_kind(htbClass, "htb"), "use class kind htb", addingKind: "htb")
    try checkLibnl(rtnl_htb_set_rate64(htbClass, rateBytesPerSecond), "set htb rate")
    try checkLibnl(rtnl_htb_set_ceil64(htbClass, rateBytesPerSecond), "set htb ceil")
    try checkLibnl(
        rtnl_class_add(socket, htbClass, createOrReplace),
        "add htb class \(handle) on \(link.name)",
        addingKind: "htb"
    )
}

/// Deletes the class `handle` (and the qdisc attached to it).
func deleteClass(
    socket: OpaquePointer,
    link: Link,
    parent: TCHandle,
    handle: TCHandle
)
    throws(NetemError)
{
    guard let htbClass = rtnl_class_alloc() else {
        throw .netlink(operation: "allocate class", code: NLE_NOMEM, message: "out of memory")
    }
    defer { rtnl_class_put(htbClass) }
    rtnl_tc_set_ifindex(htbClass, link.index)
    rtnl_tc_set_parent(htbClass, parent.rawValue)
    rtnl_tc_set_handle(htbClass, handle.rawValue)
    try checkLibnl(rtnl_class_delete(socket, htbClass), "delete class \(handle) on \(link.name)")
}

/// Adds one u32 filter on `parent` at `priority` sending IPv4 packets matching `match` to
/// `classID`.
func addU32Filter(
    socket: OpaquePointer,
    link: Link,
    parent: TCHandle,
    priority: UInt16,
    match: PacketMatch,
    classID: TCHandle
) throws(NetemError) {
    guard let filter = rtnl_cls_alloc() else {
        throw .netlink(operation: "allocate filter", code: NLE_NOMEM, message: "out of memory")
    }
    defer { rtnl_cls_put(filter) }
    rtnl_tc_set_ifindex(filter, link.index)
    rtnl_tc_set_parent(filter, parent.rawValue)
    try checkLibnl(rtnl_tc_set_kind(filter, "u32"), "use filter kind u32", addingKind: "u32")
    rtnl_cls_set_prio(filter, priority)
    rtnl_cls_set_protocol(filter, UInt16(ETH_P_IP))
    let operation = "add u32 filter \(match) → \(classID) on \(link.name)"
    switch match {
    case .destinationPort(let port):
        try checkLibnl(rtnl_u32_add_key_uint16(filter, port, 0xFFFF, 22, 0), operation)
    case .sourcePort(let port):
        try checkLibnl(rtnl_u32_add_key_uint16(filter, port, 0xFFFF, 20, 0), operation)
    case .destinationAddress(let address, let length), .sourceAddress(let address, let length):
        guard (0...32).contains(length) else {
            throw .invalidParameters("prefix length must be 0...32, got \(length)")
        }
        let mask: UInt32 = length == 0 ? 0 : UInt32.max << UInt32(32 - length)
        let offset: Int32 = if case .destinationAddress = match { 16 } else { 12 }
        try checkLibnl(
            rtnl_u32_add_key_uint32(filter, address.value & mask, mask, offset, 0),
            operation
        )
    }
    try checkLibnl(rtnl_u32_set_classid(filter, classID.rawValue), operation)
    try checkLibnl(rtnl_u32_set_cls_terminal(filter), operation)
    try checkLibnl(
        rtnl_cls_add(socket, filter, Int32(NLM_F_CREATE)),
        operation,
        addingKind: "u32"
    )
}

/// Deletes every u32 filter on `parent` at `priority`.
func deleteFilters(
    socket: OpaquePointer,
    link: Link,
    parent: TCHandle,
    priority: UInt16
)
    throws(NetemError)
{
    guard let filter = rtnl_cls_alloc() else {
        throw .netlink(operation: "allocate filter", code: NLE_NOMEM, message: "out of memory")
    }
    defer { rtnl_cls_put(filter) }
    rtnl_tc_set_ifindex(filter, link.index)
    rtnl_tc_set_parent(filter, parent.rawValue)
    try checkLibnl(rtnl_tc_set_kind(filter, "u32"), "use filter kind u32")
    rtnl_cls_set_prio(filter, priority)
    rtnl_cls_set_protocol(filter, UInt16(ETH_P_IP))
    try checkLibnl(
        rtnl_cls_delete(socket, filter, 0),
        "delete filters at priority \(priority) on \(link.name)"
    )
}
