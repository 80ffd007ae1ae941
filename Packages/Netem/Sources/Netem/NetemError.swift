// Every failure of the netem backend as one typed error with a one-line message saying what is
// wrong and how to fix it. libnl does not set errno: its negative return codes are mapped here.

internal import CNetlink
internal import Glibc

/// A failure of the netem backend. `description` is one line meant for the user.
public enum NetemError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kernel has no such queueing discipline or classifier (e.g. no sch_netem).
    case unsupported(kind: String)
    /// The caller lacks CAP_NET_ADMIN in the socket's network namespace.
    case permissionDenied(operation: String)
    /// No network interface with this name or index.
    case noSuchDevice(String)
    /// The object being added is already there (added by someone else).
    case alreadyExists(operation: String)
    /// Parameters out of range or in a combination the kernel rejects.
    case invalidParameters(String)
    /// A network namespace could not be entered or created.
    case namespaceUnavailable(path: String, errno: Int32)
    /// A distribution table could not be read.
    case distributionUnavailable(path: String)
    /// Any other netlink failure, with libnl's own text.
    case netlink(operation: String, code: Int32, message: String)
    /// A system call failed (a sysctl write, a socket inside a namespace).
    case systemCall(operation: String, errno: Int32)

    /// One line: what went wrong and how to fix it.
    public var description: String {
        switch self {
        case .unsupported(let kind) where kind == "netem":
            return "this kernel has no sch_netem (CONFIG_NET_SCH_NETEM); "
                + "use --faults proxy or a kernel with netem"
        case .unsupported(let kind):
            let option =
                kind == "u32" ? "CONFIG_NET_CLS_U32" : "CONFIG_NET_SCH_\(kind.uppercased())"
            return "this kernel has no \(kind) (\(option)); "
                + "use --faults proxy or a kernel with \(kind)"
        case .permissionDenied(let operation):
            return "\(operation): needs CAP_NET_ADMIN in this network namespace "
                + "(run as root or inside a user namespace that owns it)"
        case .noSuchDevice(let device):
            return "no network interface \(device) in this network namespace"
        case .alreadyExists(let operation):
            return "\(operation): already exists; remove the existing qdisc first "
                + "(tc qdisc del dev DEV root)"
        case .invalidParameters(let text):
            return "invalid netem parameters: \(text)"
        case .namespaceUnavailable(let path, let errno):
            let hint = errno == EPERM ? " (needs CAP_SYS_ADMIN: run as root)" : ""
            let action =
                path == NetworkNamespace.freshLabel
                ? "create a network namespace" : "enter network namespace \(path)"
            let reason = strerror(errno).map { String(cString: $0) } ?? "errno \(errno)"
            return "cannot \(action): \(reason)\(hint)"
        case .distributionUnavailable(let path):
            return "cannot read delay distribution table \(path); install iproute2"
        case .netlink(let operation, let code, let message):
            return "\(operation): netlink error \(code): \(message)"
        case .systemCall(let operation, let errno):
            let reason = strerror(errno).map { String(cString: $0) } ?? "errno \(errno)"
            return "\(operation): \(reason)"
        }
    }

    /// Maps a negative libnl return code of `operation` to an error. `kind` names the qdisc or
    /// classifier being added, so that "object not found" on an add reads as "unsupported".
    static func fromLibnl(
        _ code: Int32,
        operation: String,
        addingKind kind: String? = nil
    )
        -> NetemError
    {
        let positive = code < 0 ? -code : code
        switch positive {
        case NLE_PERM, NLE_NOACCESS:
            return .permissionDenied(operation: operation)
        case NLE_NODEV:
            return .noSuchDevice(operation)
        case NLE_EXIST:
            return .alreadyExists(operation: operation)
        case NLE_OBJ_NOTFOUND, NLE_OPNOTSUPP:
            if let kind { return .unsupported(kind: kind) }
            fallthrough
        default:
            let text = nl_geterror(Int32(positive)).map { String(cString: $0) } ?? "unknown"
            return .netlink(operation: operation, code: Int32(positive), message: text)
        }
    }
}

/// Throws the mapped error when a libnl call returned a negative code.
func checkLibnl(
    _ code: Int32,
    _ operation: @autoclosure () -> String,
    addingKind: String? = nil
)
    throws(NetemError)
{
    if code < 0 {
        throw NetemError.fromLibnl(code, operation: operation(), addingKind: addingKind)
    }
}
