// A NETLINK_ROUTE socket, in the caller's network namespace or in another one. A netlink socket
// keeps the namespace it was created in, so every request sent through it configures that
// namespace no matter which thread sends it.

internal import CNetemShim
internal import CNetlink
internal import Glibc
internal import Synchronization

/// A network interface, as the kernel names and numbers it inside one network namespace.
public struct Link: Sendable, Hashable, CustomStringConvertible {
    /// Interface name, e.g. "lo" or "veth3".
    public let name: String
    /// Interface index (the kernel's ifindex).
    public let index: Int32

    /// "name (index N)".
    public var description: String { "\(name) (index \(index))" }
}

/// Where a `RouteSocket` talks to the kernel.
public enum NetworkNamespace: Sendable, Hashable {
    /// The caller's own network namespace.
    case current
    /// A namespace created by `ip netns add NAME` (/var/run/netns/NAME).
    case named(String)
    /// The namespace of a running process (/proc/PID/ns/net).
    case process(Int32)
    /// Any namespace file (a bind mount or /proc/PID/ns/net).
    case path(String)
    /// A fresh, empty namespace (only `lo`, down) that lives as long as the socket.
    case fresh
    /// The namespace an open descriptor refers to (see `NetworkNamespaceFile`).
    case descriptor(Int32)

    /// How errors name a `.fresh` namespace.
    static let freshLabel = "(new)"

    var filePath: String? {
        switch self {
        case .current, .fresh: return nil
        case .named(let name): return "/var/run/netns/\(name)"
        case .process(let pid): return "/proc/\(pid)/ns/net"
        case .path(let path): return path
        case .descriptor(let descriptor): return "/proc/self/fd/\(descriptor)"
        }
    }
}

/// A connected NETLINK_ROUTE socket bound to one network namespace. Calls are serialized by an
/// internal lock, so one socket may be shared between tasks.
public final class RouteSocket: @unchecked Sendable {
    private let handle: OpaquePointer
    private let lock = Mutex(())
    /// The namespace this socket configures.
    public let namespace: NetworkNamespace

    /// Opens and connects a socket in `namespace`.
    /// - Throws: `NetemError.namespaceUnavailable` when the namespace cannot be entered or
    ///   created, or a netlink error.
    public init(namespace: NetworkNamespace = .current) throws(NetemError) {
        self.namespace = namespace
        var socket: OpaquePointer?
        switch namespace {
        case .current:
            socket = nl_socket_alloc()
            guard let socket else {
                throw .netlink(operation: "open netlink socket", code: NLE_NOMEM, message: "")
            }
            let code = nl_connect(socket, NETLINK_ROUTE)
            if code < 0 {
                nl_socket_free(socket)
                throw NetemError.fromLibnl(code, operation: "connect netlink socket")
            }
        case .fresh:
            socket = try Self.openInNamespace(fileDescriptor: -1, path: NetworkNamespace.freshLabel)
        case .descriptor(let descriptor):
            socket = try Self.openInNamespace(
                fileDescriptor: descriptor,
                path: "/proc/self/fd/\(descriptor)"
            )
        case .named, .process, .path:
            let path = namespace.filePath ?? ""
            let fileDescriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard fileDescriptor >= 0 else {
                throw .namespaceUnavailable(path: path, errno: errno)
            }
            defer { close(fileDescriptor) }
            socket = try Self.openInNamespace(fileDescriptor: fileDescriptor, path: path)
        }
        guard let socket else {
            throw .netlink(operation: "open netlink socket", code: NLE_NOMEM, message: "")
        }
        self.handle = socket
    }

    private static func openInNamespace(
        fileDescriptor: Int32,
        path: String
    ) throws(NetemError)
        -> OpaquePointer?
    {
        var socket: OpaquePointer?
        let code = vx_route_socket_in_netns(fileDescriptor, &socket)
        if code <= -VX_NL_ERROR_OFFSET {
            throw NetemError.fromLibnl(
                code + VX_NL_ERROR_OFFSET,
                operation: "connect netlink socket in \(path)"
            )
        }
        if code < 0 { throw .namespaceUnavailable(path: path, errno: -code) }
        return socket
    }

    deinit {
        nl_socket_free(handle)
    }

    /// Runs `body` with exclusive use of the libnl socket.
    func withSocket<Result>(
        _ body: (OpaquePointer) throws(NetemError) -> Result
    )
        throws(NetemError) -> Result
    {
        try lock.withLock { _ throws(NetemError) -> Result in try body(handle) }
    }

    /// Finds an interface by name.
    /// - Throws: `NetemError.noSuchDevice` when there is none.
    public func link(named name: String) throws(NetemError) -> Link {
        try lookUp(index: 0, name: name, label: name)
    }

    /// Finds an interface by index.
    /// - Throws: `NetemError.noSuchDevice` when there is none.
    public func link(index: Int32) throws(NetemError) -> Link {
        try lookUp(index: index, name: nil, label: "index \(index)")
    }

    private func lookUp(index: Int32, name: String?, label: String) throws(NetemError) -> Link {
        try withSocket { socket throws(NetemError) -> Link in
            var found: OpaquePointer?
            let code = rtnl_link_get_kernel(socket, index, name, &found)
            guard code >= 0, let found else {
                if code == -NLE_OBJ_NOTFOUND || code == -NLE_NODEV || code >= 0 {
                    throw .noSuchDevice(label)
                }
                throw NetemError.fromLibnl(code, operation: "look up interface \(label)")
            }
            defer { rtnl_link_put(found) }
            let linkName = rtnl_link_get_name(found).map { String(cString: $0) } ?? label
            return Link(name: linkName, index: rtnl_link_get_ifindex(found))
        }
    }
}
