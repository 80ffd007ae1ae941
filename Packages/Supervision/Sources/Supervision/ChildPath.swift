// Where a child sits in the supervision tree, e.g. `root/cluster/replica-1`. Every event and
// every error carries one, so a failure deep in the tree names the exact child at fault.

/// The ids from the root supervisor down to a child, printed joined by "/".
public struct ChildPath: Sendable, Hashable, CustomStringConvertible {
    /// The ids, root first.
    public let components: [String]

    /// A path made of ids, root first.
    public init(_ components: [String]) {
        precondition(!components.isEmpty, "a child path names at least the root supervisor")
        self.components = components
    }

    /// The path of a child of this supervisor.
    public func appending(_ childID: String) -> ChildPath {
        ChildPath(components + [childID])
    }

    /// The last id: the child's own id.
    public var id: String {
        guard let last = components.last else { preconditionFailure("empty child path") }
        return last
    }

    /// `root/cluster/replica-1`.
    public var description: String { components.joined(separator: "/") }
}
