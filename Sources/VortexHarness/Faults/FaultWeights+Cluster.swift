// Which fault actions a cluster can ever draw, given its replica count and the bound on faulty
// replicas (`--faulty-max`): a partition shape needs enough replicas and must leave no more
// replicas outside a connected majority than the bound allows, a per-link fault needs two
// replicas, and a process fault needs a bound above 0. Defaults that can never be drawn are
// zeroed; a weight the user gave such an action is a configuration error, never a silent no-op.

extension FaultKind {
    /// Why this action can never be drawn in a cluster of `replicaCount` replicas with at most
    /// `faultyReplicasMax` faulty at once, and how to fix it; nil when it can be drawn.
    public func clusterLimitation(replicaCount: Int, faultyReplicasMax: Int) -> String? {
        if let shape = partitionShape {
            let replicaCountMin = PartitionShapes.replicaCountMin(shape)
            guard replicaCount >= replicaCountMin else {
                return "needs at least \(replicaCountMin) replicas (this run has "
                    + "\(replicaCount)); give --replica-count \(replicaCountMin) or more, or drop "
                    + "the weight"
            }
            let faulty = PartitionShapes.faultyReplicaCount(shape, replicaCount: replicaCount)
            guard faulty <= faultyReplicasMax else {
                return "leaves \(faulty) of \(replicaCount) replicas outside a connected "
                    + "majority, more than --faulty-max allows (\(faultyReplicasMax)); give "
                    + "--faulty-max \(faulty) or more (or majority), or drop the weight"
            }
            return nil
        }
        switch self {
        case .linkDelay, .linkLoss:
            guard replicaCount >= 2 else {
                return "needs at least 2 replicas (a link joins two); give --replica-count 2 or "
                    + "more, or drop the weight"
            }
        case .terminate, .pause:
            guard faultyReplicasMax >= 1 else {
                return "can never be drawn with --faulty-max 0 (the minority of \(replicaCount) "
                    + "replica\(replicaCount == 1 ? "" : "s")); give --faulty-max 1 or more, or "
                    + "drop the weight"
            }
        default: break
        }
        return nil
    }
}

extension FaultWeights {
    /// Sets to 0 the weight of every action the cluster can never draw.
    public mutating func disableImpossible(replicaCount: Int, faultyReplicasMax: Int) {
        for kind in FaultKind.allCases
        where kind.clusterLimitation(
            replicaCount: replicaCount,
            faultyReplicasMax: faultyReplicasMax
        ) != nil {
            disable(kind)
        }
    }

    /// Checks that every action with a weight above 0 can be drawn in the cluster.
    ///
    /// - Throws: ``ConfigurationError`` naming the first action that cannot, and the fix.
    public func requirePossible(
        replicaCount: Int,
        faultyReplicasMax: Int
    ) throws(ConfigurationError) {
        for kind in FaultKind.allCases where self[kind] > 0 {
            if let limitation = kind.clusterLimitation(
                replicaCount: replicaCount,
                faultyReplicasMax: faultyReplicasMax
            ) {
                throw ConfigurationError(
                    "--fault-weight \(kind.rawValue)=\(self[kind]): \(limitation)"
                )
            }
        }
    }
}
