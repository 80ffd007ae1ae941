// The timeline of report.html from a run's fault decisions (faults.jsonl): replays them in order
// on an ObservedCluster (the scheduler's own view, with its own `apply`) and turns each change
// into periods: a replica paused, terminated or isolated; a network fault active with one
// setting. A pure function; entries that could not have been carried out in the state reached
// (a hand-edited file) are skipped rather than trusted.

/// Periods of replica states and network faults from a run's decisions.
public enum ReportTimeline {
    /// The replica periods and network bands of `entries`, closed at `endUs` when still open.
    public static func periods(
        of entries: [FaultLogEntry],
        replicaCount: Int,
        endUs: Int64
    ) -> (replicas: [ReplicaSegment], network: [NetworkBand]) {
        precondition(replicaCount >= 1, "a cluster has at least one replica")
        var cluster = ObservedCluster(replicaCount: replicaCount)
        var replicaSegments: [ReplicaSegment] = []
        var bands: [NetworkBand] = []
        // The open period of each replica state and network row: its label and start.
        var openReplica: [Int: (state: ReplicaSegment.State, startUs: Int64)] = [:]
        var openIsolation: [Int: Int64] = [:]
        var openBands: [String: (label: String, startUs: Int64)] = [:]
        for entry in entries.sorted(by: { ($0.timeUs, $0.tick) < ($1.timeUs, $1.tick) }) {
            guard isApplicable(entry.decision, to: cluster) else { continue }
            let timeUs = min(max(0, entry.timeUs), endUs)
            cluster.apply(entry.decision)
            for replica in 0..<replicaCount {
                let state = processState(cluster.replicas[replica])
                if openReplica[replica]?.state != state {
                    if let open = openReplica.removeValue(forKey: replica) {
                        replicaSegments.append(
                            ReplicaSegment(
                                replica: replica,
                                state: open.state,
                                startUs: open.startUs,
                                endUs: timeUs
                            )
                        )
                    }
                    if let state { openReplica[replica] = (state, timeUs) }
                }
                let isolated = cluster.network.isolatedReplica == replica
                if isolated && openIsolation[replica] == nil {
                    openIsolation[replica] = timeUs
                } else if !isolated, let startUs = openIsolation.removeValue(forKey: replica) {
                    replicaSegments.append(
                        ReplicaSegment(
                            replica: replica,
                            state: .isolated,
                            startUs: startUs,
                            endUs: timeUs
                        )
                    )
                }
            }
            let labels = bandLabels(cluster.network)
            for row in bandRows {
                guard openBands[row]?.label != labels[row] else { continue }
                if let open = openBands.removeValue(forKey: row) {
                    bands.append(
                        NetworkBand(
                            row: row,
                            label: open.label,
                            startUs: open.startUs,
                            endUs: timeUs
                        )
                    )
                }
                if let label = labels[row] { openBands[row] = (label, timeUs) }
            }
        }
        for (replica, open) in openReplica {
            replicaSegments.append(
                ReplicaSegment(
                    replica: replica,
                    state: open.state,
                    startUs: open.startUs,
                    endUs: endUs
                )
            )
        }
        for (replica, startUs) in openIsolation {
            replicaSegments.append(
                ReplicaSegment(replica: replica, state: .isolated, startUs: startUs, endUs: endUs)
            )
        }
        for (row, open) in openBands {
            bands.append(
                NetworkBand(row: row, label: open.label, startUs: open.startUs, endUs: endUs)
            )
        }
        replicaSegments.sort { ($0.startUs, $0.replica) < ($1.startUs, $1.replica) }
        bands.sort { ($0.startUs, $0.row) < ($1.startUs, $1.row) }
        return (replicaSegments, bands)
    }

    /// The rows of network bands, top to bottom.
    public static let bandRows = ["delay", "corrupt", "loss", "partition"]

    /// The label of each active network fault, by row (a new label starts a new band).
    static func bandLabels(_ network: NetworkFaults) -> [String: String] {
        var labels: [String: String] = [:]
        if let delay = network.delay {
            labels["delay"] = "delay \(delay.delayMs)±\(delay.jitterMs) ms"
        }
        if let percent = network.corruptionPercent { labels["corrupt"] = "corrupt \(percent)%" }
        if let percent = network.lossPercent { labels["loss"] = "loss \(percent)%" }
        if let replica = network.isolatedReplica { labels["partition"] = "r\(replica) isolated" }
        return labels
    }

    private static func processState(_ state: ReplicaFaultState) -> ReplicaSegment.State? {
        switch state {
        case .running: nil
        case .paused: .paused
        case .terminated: .terminated
        }
    }

    /// Whether `decision` could have been carried out in `cluster` (ObservedCluster.apply
    /// requires it).
    private static func isApplicable(_ decision: FaultDecision, to cluster: ObservedCluster) -> Bool
    {
        if let replica = decision.replica, !cluster.replicas.indices.contains(replica) {
            return false
        }
        switch decision {
        case .terminate(let replica): return cluster.replicas[replica] != .terminated
        case .restart(let replica): return cluster.replicas[replica] == .terminated
        case .pause(let replica): return cluster.replicas[replica] == .running
        case .resume(let replica): return cluster.replicas[replica] == .paused
        default: return true
        }
    }
}
