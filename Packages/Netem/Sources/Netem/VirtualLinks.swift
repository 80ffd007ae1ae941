// Building a virtual network over netlink: a bridge, veth pairs whose far end is created inside
// another network namespace (a `NetworkNamespaceFile`), addresses, and links set up or enslaved
// to the bridge — what `ip link add … type bridge|veth`, `ip link set … master … up` and
// `ip addr add` do. The harness gives each replica its own namespace joined to the run's
// namespace this way, so a replica has an address of its own and links can be shaped by address.

internal import CNetlink
internal import Glibc

extension RouteSocket {
    /// IFF_UP, as the kernel defines it.
    private static let interfaceUpFlag: UInt32 = 0x1

    /// Adds a bridge called `name` (down) and returns it; one of that name already there is an
    /// error.
    /// - Throws: `NetemError` (`unsupported` when the kernel has no bridge support).
    public func addBridge(named name: String) throws(NetemError) -> Link {
        try withSocket { socket throws(NetemError) in
            guard let bridge = rtnl_link_bridge_alloc() else {
                throw .netlink(operation: "add bridge \(name)", code: NLE_NOMEM, message: "")
            }
            defer { rtnl_link_put(bridge) }
            rtnl_link_set_name(bridge, name)
            // Exclusive: a bridge of that name already there is an error, not ours to reuse.
            let code = rtnl_link_add(socket, bridge, NLM_F_CREATE | NLM_F_EXCL)
            if code < 0 {
                throw NetemError.fromLibnl(
                    code,
                    operation: "add bridge \(name)",
                    addingKind: "bridge"
                )
            }
        }
        return try link(named: name)
    }

    /// Adds a veth pair: `name` here and `peerName` created inside `peerNamespace` (both down).
    /// Returns the end here.
    /// - Throws: `NetemError` (`unsupported` when the kernel has no veth support).
    public func addVethPair(
        named name: String,
        peerName: String,
        peerNamespace: NetworkNamespaceFile
    ) throws(NetemError) -> Link {
        try withSocket { socket throws(NetemError) in
            guard let pair = rtnl_link_veth_alloc() else {
                throw .netlink(operation: "add veth \(name)", code: NLE_NOMEM, message: "")
            }
            defer { rtnl_link_put(pair) }
            rtnl_link_set_name(pair, name)
            guard let peer = rtnl_link_veth_get_peer(pair) else {
                throw .netlink(operation: "add veth \(name)", code: NLE_NOMEM, message: "")
            }
            defer { rtnl_link_put(peer) }
            rtnl_link_set_name(peer, peerName)
            rtnl_link_set_ns_fd(peer, peerNamespace.descriptor)
            let code = rtnl_link_add(socket, pair, NLM_F_CREATE | NLM_F_EXCL)
            if code < 0 {
                throw NetemError.fromLibnl(code, operation: "add veth \(name)", addingKind: "veth")
            }
        }
        return try link(named: name)
    }

    /// Sets `link` up, and enslaves it to `master` when one is given.
    public func setUp(_ link: Link, master: Link? = nil) throws(NetemError) {
        try withSocket { socket throws(NetemError) in
            var original: OpaquePointer?
            let found = rtnl_link_get_kernel(socket, link.index, nil, &original)
            guard found >= 0, let original else {
                throw NetemError.fromLibnl(found, operation: "look up \(link)")
            }
            defer { rtnl_link_put(original) }
            guard let change = rtnl_link_alloc() else {
                throw .netlink(operation: "set \(link) up", code: NLE_NOMEM, message: "")
            }
            defer { rtnl_link_put(change) }
            rtnl_link_set_flags(change, Self.interfaceUpFlag)
            if let master { rtnl_link_set_master(change, master.index) }
            let code = rtnl_link_change(socket, original, change, 0)
            if code < 0 { throw NetemError.fromLibnl(code, operation: "set \(link) up") }
        }
    }

    /// Adds the IPv4 address `address`/`prefixLength` to `link`.
    public func addAddress(
        _ address: String,
        prefixLength: Int,
        to link: Link
    ) throws(NetemError) {
        try withSocket { socket throws(NetemError) in
            let operation = "add address \(address)/\(prefixLength) to \(link.name)"
            var local: OpaquePointer?
            let parsed = nl_addr_parse("\(address)/\(prefixLength)", AF_INET, &local)
            guard parsed >= 0, let local else {
                throw .invalidParameters("\(address)/\(prefixLength) is not an IPv4 address")
            }
            defer { nl_addr_put(local) }
            guard let entry = rtnl_addr_alloc() else {
                throw .netlink(operation: operation, code: NLE_NOMEM, message: "")
            }
            defer { rtnl_addr_put(entry) }
            rtnl_addr_set_ifindex(entry, link.index)
            let set = rtnl_addr_set_local(entry, local)
            if set < 0 { throw NetemError.fromLibnl(set, operation: operation) }
            let code = rtnl_addr_add(socket, entry, 0)
            if code < 0 { throw NetemError.fromLibnl(code, operation: operation) }
        }
    }
}
