// A partition as a grudge: the set of directed replica-to-replica links that are cut (`from → to`:
// what `from` sends does not reach `to`), with the name of the shape the scheduler drew it from
// (Faults/PartitionShapes.swift). Partitions cut links between replicas only; the driver keeps
// reaching every replica. This file also answers the question liveness and the scheduler's bound
// ask of a grudge: which replicas form the largest group that is fully connected in both
// directions (everyone outside it counts as faulty).

/// A directed link between two replicas: what `from` sends to `to`.
public struct ReplicaLink: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The sending replica.
    public var from: Int
    /// The receiving replica.
    public var to: Int

    /// Creates a link between two different replicas.
    public init(from: Int, to: Int) {
        precondition(from >= 0 && to >= 0, "replica indices are not negative")
        precondition(from != to, "a link joins two different replicas")
        self.from = from
        self.to = to
    }

    /// The same link in the other direction.
    public var reversed: ReplicaLink { ReplicaLink(from: to, to: from) }

    /// Orders links by sender, then receiver.
    public static func < (left: ReplicaLink, right: ReplicaLink) -> Bool {
        (left.from, left.to) < (right.from, right.to)
    }

    /// `0→2`.
    public var description: String { "\(from)→\(to)" }

    /// Every directed link among `replicas`.
    public static func all(among replicas: [Int]) -> [ReplicaLink] {
        replicas.flatMap { from in
            replicas.compactMap { to in from == to ? nil : ReplicaLink(from: from, to: to) }
        }
    }

    /// Both directions of every link between a replica of `first` and one of `second`.
    public static func between(_ first: [Int], _ second: [Int]) -> [ReplicaLink] {
        first.flatMap { one in
            second.flatMap { other in
                [ReplicaLink(from: one, to: other), ReplicaLink(from: other, to: one)]
            }
        }
    }
}

/// The shapes of partition the scheduler draws (docs/user-guide.md, "Partitions").
public enum PartitionShape: String, CaseIterable, Sendable, Hashable, Codable {
    /// One replica cut off from every other, both directions.
    case isolate
    /// A random minority cut off from the majority, both directions.
    case halves
    /// Two halves that reach each other only through one replica connected to both.
    case bridge
    /// Every replica hears a majority, no two the same one (Jepsen's majorities-ring).
    case ring
    /// One replica hears another, which does not hear it.
    case oneWay = "one-way"
    /// One random link cut, both directions.
    case link

    /// The fault action that draws this shape.
    public var faultKind: FaultKind {
        switch self {
        case .isolate: .isolate
        case .halves: .partitionHalves
        case .bridge: .partitionBridge
        case .ring: .partitionRing
        case .oneWay: .partitionOneWay
        case .link: .partitionLink
        }
    }

    /// The shape a fault action draws, or nil for other actions.
    public init?(_ kind: FaultKind) {
        guard let shape = Self.allCases.first(where: { $0.faultKind == kind }) else { return nil }
        self = shape
    }
}

/// A partition in force: the directed links cut, and the shape they were drawn as.
public struct Partition: Sendable, Hashable {
    /// The shape drawn.
    public var shape: PartitionShape
    /// The directed links that are cut (never empty).
    public var cut: Set<ReplicaLink>

    /// Creates a partition.
    public init(shape: PartitionShape, cut: Set<ReplicaLink>) {
        precondition(!cut.isEmpty, "a partition cuts at least one link")
        self.shape = shape
        self.cut = cut
    }

    /// Replica `replica` cut off from every other of `replicaCount`, both directions.
    public static func isolating(_ replica: Int, replicaCount: Int) -> Partition {
        precondition(replicaCount >= 2, "isolation needs another replica")
        precondition(replica >= 0 && replica < replicaCount, "replica index in range")
        let others = (0..<replicaCount).filter { $0 != replica }
        return Partition(shape: .isolate, cut: Set(ReplicaLink.between([replica], others)))
    }

    /// Whether what `from` sends reaches `to`.
    public func carries(from: Int, to: Int) -> Bool {
        from == to || !cut.contains(ReplicaLink(from: from, to: to))
    }

    /// The replica cut off from every other one (isolation's target), or nil when none is.
    public func isolatedReplica(replicaCount: Int) -> Int? {
        (0..<replicaCount).first { replica in
            replicaCount >= 2
                && (0..<replicaCount).allSatisfy { other in
                    other == replica
                        || (!carries(from: replica, to: other)
                            && !carries(from: other, to: replica))
                }
        }
    }

    /// The cut links in order, for logs, faults.jsonl and the trace.
    public var sortedCut: [ReplicaLink] { cut.sorted() }

    /// `halves (6 links cut)`: the shape and the size of the grudge, for the progress line.
    public var summary: String {
        "\(shape.rawValue) (\(cut.count) link\(cut.count == 1 ? "" : "s") cut)"
    }
}

/// Which replicas can reach each other under a set of cut links.
public enum Connectivity {
    /// The largest group of `members` whose every pair is connected in both directions under
    /// `cut` (the same group for the same input); `members` has at most
    /// ``ClusterLayout/replicaCountMax`` replicas, so every subset is tried.
    public static func largestConnectedGroup(of members: [Int], cut: Set<ReplicaLink>) -> [Int] {
        precondition(members.count <= ClusterLayout.replicaCountMax, "at most replicaCountMax")
        guard !cut.isEmpty else { return members }
        var best: [Int] = []
        // Bounded: 2^6 subsets at most.
        for mask in 0..<(1 << members.count) where mask.nonzeroBitCount > best.count {
            let group = members.indices.filter { mask & (1 << $0) != 0 }.map { members[$0] }
            let connected = group.allSatisfy { one in
                group.allSatisfy { other in
                    one == other || !cut.contains(ReplicaLink(from: one, to: other))
                }
            }
            if connected { best = group }
        }
        return best
    }
}
