// The OS process id of every running replica, kept current from the supervision tree's events:
// a replica's `started` event records its pid, its `exited` event removes it. The proxy backend
// reads it to tell which replica opened a connection (LoopbackSocketOwner), the netem backend to
// find the ports of the connections an isolated replica opened (ReplicaOutgoingPorts), so that
// isolating a replica also cuts the connections it opened. The handler runs as the event is emitted, moments
// after the spawn and long before a real replica has started up and connected anywhere; a
// connection accepted before its replica's pid is recorded would count as of no replica.

import Supervision
import Synchronization

/// The root process id of each running replica.
final class ReplicaProcessTable: Sendable {
    private let processIDs = Mutex<[Int: Int32]>([:])

    /// Replica index → root process id, for the replicas running now.
    var current: [Int: Int32] {
        processIDs.withLock { $0 }
    }

    /// Follows one supervision event (events of other children are ignored).
    func record(_ event: SupervisorEvent) {
        guard let replica = ReplicaGroup.replicaIndex(of: event.path) else { return }
        switch event.kind {
        case .started(let processID?):
            processIDs.withLock { $0[replica] = processID }
        case .exited:
            processIDs.withLock { _ = $0.removeValue(forKey: replica) }
        default:
            break
        }
    }
}
