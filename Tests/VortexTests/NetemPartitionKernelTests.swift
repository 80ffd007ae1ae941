// The netem backend's partitions in a real kernel with sch_netem, run by scripts/netem-test under
// user-mode-linux with VORTEX_REQUIRE_NETEM=1 (and skipped without it): `vortex partition-check
// --faults netem` gives every stand-in replica its own host, shapes each replica's interface and
// the run's bridge, and checks for every shape at 3, 5 and 6 replicas that zero bytes cross a cut
// link from the moment `apply` returns (a connection opened during the partition over a cut
// link never completes its handshake), that every other link and the driver's connections carry
// both ways, and that the heal restores every link. The check runs in namespaces of its own, so
// it does not touch the guest's `lo`; the suite still runs alone (scripts/netem-test runs the
// suites one after the other).

import Foundation
import Testing

/// Set by scripts/netem-test: the suite runs (and fails on a kernel without netem).
private let netemRequired = ProcessInfo.processInfo.environment["VORTEX_REQUIRE_NETEM"] == "1"

@Suite(
    .ownThread,
    .serialized,
    .enabled(if: netemRequired, "needs sch_netem: scripts/netem-test runs it under user-mode-linux")
)
struct NetemPartitionKernelTests {
    @Test(.timeLimit(.minutes(5)), arguments: [3, 5, 6])
    func netemCutsExactlyTheLinksOfEveryShape(replicaCount: Int) throws {
        let outcome = try HarnessCLI.run([
            "partition-check", "--faults", "netem", "--replica-count", "\(replicaCount)",
            "--rounds", "0",
        ])
        expectEveryShapeCut(outcome, replicaCount: replicaCount)
    }
}
