// `vortex partition-check`: proves that a network backend cuts exactly the links of every
// partition shape on this machine, with the replicas' real hosts, and times applying and healing
// them (VortexHarness.PartitionCheck). Bad flags are one line and exit 2 before anything starts.

import ArgumentParser
import VortexHarness

/// `vortex partition-check`: checks and times a backend's partitions.
struct PartitionCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition-check",
        abstract: "Check that a fault backend cuts exactly the links of every partition shape.",
        usage: "vortex partition-check [--faults <backend>] [<options>]",
        discussion: """
            In the run's namespaces, gives each stand-in replica its own host, connects every \
            replica to every other, applies each partition shape and checks that no byte crosses \
            a cut link from the moment it is applied (on connections opened before and during \
            it), that every other link and the driver's connections carry both ways, and that \
            healing restores every link; then times applying and healing each shape. Exits 0 \
            when every check held, 1 when one failed, 2 when the check cannot run here.
            """
    )

    @Option(help: "The backend to check: proxy or netem.")
    var faults = "proxy"

    @Option(help: "Stand-in replicas, 2 through 6.")
    var replicaCount = "3"

    @Option(help: "Apply/heal rounds timed per shape (0: check only).")
    var rounds = "20"

    func run() async throws {
        guard let backend = FaultBackendKind(rawValue: faults), backend != .none else {
            throw ValidationError("--faults '\(faults)' cannot partition; use proxy or netem")
        }
        guard let count = Int(replicaCount), (2...ClusterLayout.replicaCountMax).contains(count)
        else {
            throw ValidationError(
                "--replica-count '\(replicaCount)' is out of range; use a number from 2 to "
                    + "\(ClusterLayout.replicaCountMax)"
            )
        }
        guard let roundCount = Int(rounds), (0...100_000).contains(roundCount) else {
            throw ValidationError("--rounds '\(rounds)' must be a number from 0 to 100000")
        }
        let code = await PartitionCheck.launch(
            PartitionCheck.Options(backend: backend, replicaCount: count, rounds: roundCount)
        )
        throw ExitCode(code)
    }
}
