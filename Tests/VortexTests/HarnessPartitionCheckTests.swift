// `vortex partition-check` end to end: in the run's namespaces, with every replica its own host
// and the real backend, each partition shape cuts exactly its links — zero bytes across a cut
// link from the moment it is applied, on connections opened before and during it, every other
// link and the driver's connections carrying both ways, every link again after the heal. The
// proxy runs here (it tells replicas apart by source address); netem runs under user-mode-linux
// (NetemPartitionKernelTests, from scripts/netem-test). Bad flags are one line and exit 2.

import Foundation
import Testing

/// Checks the output of a partition-check that should pass at `replicaCount` replicas.
func expectEveryShapeCut(_ outcome: HarnessCLI.Outcome, replicaCount: Int) {
    #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
    let lines = outcome.standardOutput.split(separator: "\n")
    let shapes = replicaCount >= 3 ? 6 : 4
    let checked = lines.filter { $0.contains(" cut=") }
    #expect(checked.count == shapes, "\(outcome.standardOutput)")
    #expect(checked.allSatisfy { $0.contains(" ok") }, "\(outcome.standardOutput)")
    #expect(lines.last == "partition-check: PASS every shape cut exactly its links")
}

@Suite(.ownThread, .serialized) struct HarnessPartitionCheckTests {
    @Test(.timeLimit(.minutes(3)), arguments: [2, 3, 5, 6])
    func theProxyCutsExactlyTheLinksOfEveryShape(replicaCount: Int) throws {
        let outcome = try HarnessCLI.run([
            "partition-check", "--faults", "proxy", "--replica-count", "\(replicaCount)",
            "--rounds", "0",
        ])
        expectEveryShapeCut(outcome, replicaCount: replicaCount)
    }

    @Test(arguments: [
        (["--faults", "none"], "--faults 'none' cannot partition"),
        (["--replica-count", "7"], "--replica-count '7' is out of range"),
        (["--replica-count", "1"], "--replica-count '1' is out of range"),
        (["--rounds", "many"], "--rounds 'many' must be a number"),
    ])
    func badFlagsAreOneLineAndExitTwo(arguments: [String], fragment: String) throws {
        let outcome = try HarnessCLI.run(["partition-check"] + arguments)
        #expect(outcome.status == 2)
        #expect(outcome.standardOutput.isEmpty)
        let lines = outcome.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(outcome.standardError)")
        #expect(lines.first?.hasPrefix("vortex: ") == true)
        #expect(outcome.standardError.contains(fragment), "\(outcome.standardError)")
    }
}
