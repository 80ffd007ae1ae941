// The partition shapes the scheduler draws (Jepsen's partition nemeses, plus one-way and single
// links), each a pure function of the scheduler's random stream and the replica count: a random
// order of the replicas, then the shape's rule on that order. Because every draw of a shape is
// the same grudge up to relabelling the replicas, how many replicas it leaves outside the
// largest fully connected group is a property of the shape and the replica count alone; the
// scheduler's bound (`--faulty-max`) and validation read it from here.

public import Workload

/// Draws partitions of every shape.
public enum PartitionShapes {
    /// The fewest replicas a shape needs.
    public static func replicaCountMin(_ shape: PartitionShape) -> Int {
        switch shape {
        case .isolate, .halves, .oneWay, .link: 2
        case .bridge, .ring: 3
        }
    }

    /// Draws a partition of `shape` among `replicaCount` replicas from `random`.
    public static func draw(
        _ shape: PartitionShape,
        replicaCount: Int,
        random: inout VortexRandom
    ) -> Partition {
        precondition(replicaCount >= replicaCountMin(shape), "enough replicas for the shape")
        var order = Array(0..<replicaCount)
        // Fisher–Yates on the run's own generator, so a seed gives the same order everywhere.
        for index in stride(from: replicaCount - 1, to: 0, by: -1) {
            order.swapAt(index, random.index(below: index + 1))
        }
        return partition(shape, order: order)
    }

    /// The partition of `shape` over the replicas in `order` (a permutation of 0..<n): the
    /// shape's rule applied to positions in that order.
    public static func partition(_ shape: PartitionShape, order: [Int]) -> Partition {
        let count = order.count
        precondition(count >= replicaCountMin(shape), "enough replicas for the shape")
        precondition(Set(order) == Set(0..<count), "order is a permutation")
        let majority = count / 2 + 1
        switch shape {
        case .isolate:
            return Partition.isolating(order[0], replicaCount: count)
        case .halves:
            // The first ⌊n/2⌋ in the order against the rest.
            let minority = Array(order.prefix(count / 2))
            let rest = Array(order.dropFirst(count / 2))
            return Partition(shape: .halves, cut: Set(ReplicaLink.between(minority, rest)))
        case .bridge:
            // A majority and the rest; the majority's last replica stays joined to both sides.
            let first = Array(order.prefix(majority - 1))
            let second = Array(order.dropFirst(majority))
            return Partition(shape: .bridge, cut: Set(ReplicaLink.between(first, second)))
        case .ring:
            // Window k is `majority` consecutive replicas of the ring from position k; its
            // middle replica hears exactly the window (Jepsen's majorities-ring).
            var cut: Set<ReplicaLink> = []
            for start in 0..<count {
                let window = (0..<majority).map { order[(start + $0) % count] }
                let hearer = window[majority / 2]
                for sender in order where !window.contains(sender) {
                    cut.insert(ReplicaLink(from: sender, to: hearer))
                }
            }
            return Partition(shape: .ring, cut: cut)
        case .oneWay:
            // order[0] hears order[1]; order[1] does not hear order[0].
            return Partition(shape: .oneWay, cut: [ReplicaLink(from: order[0], to: order[1])])
        case .link:
            return Partition(shape: .link, cut: Set(ReplicaLink.between([order[0]], [order[1]])))
        }
    }

    /// How many of `replicaCount` replicas a partition of `shape` leaves outside the largest
    /// group fully connected in both directions (every draw leaves the same number).
    public static func faultyReplicaCount(_ shape: PartitionShape, replicaCount: Int) -> Int {
        precondition(
            replicaCount >= 1 && replicaCount <= ClusterLayout.replicaCountMax,
            "replica count in range"
        )
        guard replicaCount >= replicaCountMin(shape) else { return replicaCount }
        return faultyTable[replicaCount][shape] ?? replicaCount
    }

    /// `faultyReplicaCount` for every shape and replica count, computed once.
    private static let faultyTable: [[PartitionShape: Int]] = (0...ClusterLayout.replicaCountMax)
        .map { count in
            var row: [PartitionShape: Int] = [:]
            for shape in PartitionShape.allCases where count >= replicaCountMin(shape) {
                let members = Array(0..<count)
                let cut = partition(shape, order: members).cut
                row[shape] = count - Connectivity.largestConnectedGroup(of: members, cut: cut).count
            }
            return row
        }
}
