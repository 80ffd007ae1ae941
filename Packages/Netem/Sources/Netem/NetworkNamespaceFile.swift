// A network namespace of our own, held by an open descriptor: created empty (only `lo`, down),
// alive while the descriptor (or a socket, a process, an interface moved into it) refers to it,
// and gone with the last of them. A process joins it at spawn (ProcessControl's
// `Command.networkNamespaceDescriptor`), a RouteSocket configures it (`.descriptor`), and the
// few things that must be done from inside — a sysctl, a socket — run on a short-lived thread
// that enters it, so no thread of the process changes namespace.

internal import CNetemShim
internal import Glibc

/// A network namespace held open by a descriptor.
public final class NetworkNamespaceFile: Sendable {
    /// The open, close-on-exec descriptor of the namespace.
    public let descriptor: Int32

    /// Creates a new, empty network namespace (a child of the caller's user namespace).
    /// - Throws: `NetemError.namespaceUnavailable` (needs CAP_SYS_ADMIN).
    public init() throws(NetemError) {
        let result = vx_netns_create()
        guard result >= 0 else {
            throw .namespaceUnavailable(path: NetworkNamespace.freshLabel, errno: -result)
        }
        descriptor = result
    }

    deinit {
        close(descriptor)
    }

    /// The namespace, for a `RouteSocket`.
    public var namespace: NetworkNamespace { .descriptor(descriptor) }

    /// Writes `value` to the sysctl `name` (`net/ipv4/conf/all/route_localnet`) of this
    /// namespace.
    public func setSysctl(_ name: String, _ value: String) throws(NetemError) {
        try Self.setSysctl(name, value, descriptor: descriptor)
    }

    /// Writes `value` to the sysctl `name` of the caller's own network namespace.
    public static func setSysctlInCurrentNamespace(
        _ name: String,
        _ value: String
    ) throws(NetemError) {
        try setSysctl(name, value, descriptor: -1)
    }

    private static func setSysctl(
        _ name: String,
        _ value: String,
        descriptor: Int32
    ) throws(NetemError) {
        let path = "/proc/sys/\(name)"
        let result = vx_netns_write_file(descriptor, path, value)
        guard result == 0 else {
            throw .systemCall(operation: "write \(value) to \(path)", errno: -result)
        }
    }

    /// Opens a TCP socket (IPv4) inside this namespace; it stays there whichever thread uses it.
    /// The caller owns and closes the descriptor.
    public func openTCPSocket() throws(NetemError) -> Int32 {
        let result = vx_netns_socket(descriptor, AF_INET, Int32(SOCK_STREAM.rawValue))
        guard result >= 0 else {
            throw .systemCall(operation: "open a socket in a replica's namespace", errno: -result)
        }
        return result
    }
}
