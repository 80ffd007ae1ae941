// `--faulty-max`: the most replicas the fault scheduler lets be faulty at once (terminated,
// paused, or outside the largest group of replicas connected in both directions). `minority`
// (the default) is the liveness rule's ⌊(n−1)/2⌋, so the scheduler never takes the cluster past
// what it must tolerate; `majority` (⌊n/2⌋+1) lets it lose its quorum; a number from 0 to n sets
// it exactly.

/// The bound on simultaneously faulty replicas, as the user gave it.
public enum FaultyReplicasBound: Sendable, Hashable, CustomStringConvertible {
    /// ⌊(n−1)/2⌋: what liveness requires the cluster to tolerate.
    case minority
    /// ⌊n/2⌋+1: enough to take the quorum away.
    case majority
    /// Exactly this many.
    case count(Int)

    /// Parses `--faulty-max` for a cluster of `replicaCount` replicas.
    ///
    /// - Throws: ``ConfigurationError`` for a word that is not a bound or a number above the
    ///   replica count.
    public static func parse(
        _ text: String,
        replicaCount: Int
    ) throws(ConfigurationError) -> FaultyReplicasBound {
        switch text {
        case "minority": return .minority
        case "majority": return .majority
        default: break
        }
        guard let count = Int(text), count >= 0 else {
            throw ConfigurationError(
                "--faulty-max '\(text)' is not a bound; use minority, majority or a number from 0 "
                    + "to \(replicaCount)"
            )
        }
        guard count <= replicaCount else {
            throw ConfigurationError(
                "--faulty-max \(count) is more than the \(replicaCount) replica"
                    + "\(replicaCount == 1 ? "" : "s"); use minority, majority or a number from 0 "
                    + "to \(replicaCount)"
            )
        }
        return .count(count)
    }

    /// The number of replicas the bound allows in a cluster of `replicaCount`.
    public func replicas(of replicaCount: Int) -> Int {
        switch self {
        case .minority: (replicaCount - 1) / 2
        case .majority: replicaCount / 2 + 1
        case .count(let count): count
        }
    }

    /// As the user writes it.
    public var description: String {
        switch self {
        case .minority: "minority"
        case .majority: "majority"
        case .count(let count): "\(count)"
        }
    }
}
