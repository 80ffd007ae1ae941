// `vortex run`: parse the flags into RunOptions, validate them into a RunConfiguration (any wrong
// input is one line and exit 2, before anything starts), then hand the run to VortexHarness.

import ArgumentParser
import VortexHarness

/// `vortex run`: runs a cluster under faults with a model-checking workload.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a cluster of real replicas under faults and check a workload against it.",
        discussion: """
            Exit codes: 0 pass, 1 internal error, 2 bad configuration, 10 driver exited early,
            11 driver's end status wrong, 13 reconciliation mismatch, 14 replica exited
            unexpectedly, 15 driver request write failed, 16 driver reply unreadable, 17 liveness
            (no request finished), 18 request too slow, 137 a replica died of a foreign SIGKILL,
            143 interrupted by SIGINT or SIGTERM.
            """
    )

    @Option(help: "etcd, tigerbeetle, or a .toml/.yaml target file.")
    var target = "etcd"

    @Option(help: "Network fault backend: proxy, netem or none (none: no faults at all).")
    var faults = "proxy"

    @Option(help: "Number of replicas, 1 through 6.")
    var replicaCount = "1"

    @Option(help: "How long to run, e.g. 90s, 1m30s, 2h (units d h m s ms us ns).")
    var testDuration = "1m"

    @Option(help: "Seed of every random choice (u64); random and printed when absent.")
    var seed: String?

    @Option(help: "Output directory (new or empty); a new one under $TMPDIR by default.")
    var output: String?

    @Option(help: "Send what would go to standard error to this file.")
    var log: String?

    @Option(help: "Driver command line (split on spaces); gets '<cluster> <addresses>' appended.")
    var driverCommand: String?

    @Option(help: "The tigerbeetle binary (with --target tigerbeetle).")
    var tigerbeetleExecutable: String?

    @Option(help: "Longest time without progress while faults are tolerable (default 180s).")
    var livenessWindow = "180s"

    @Flag(help: "Keep the output directory after a pass (it is always kept after a failure).")
    var keepOutput = false

    @Option(
        name: .customLong("fault-weight"),
        help: """
            Override one fault weight, NAME=W (repeatable), e.g. terminate=4 or delay=0. Names: \
            none, terminate, restart, pause, resume, delay, corrupt, loss, isolate, network-heal, \
            heal.
            """
    )
    var faultWeights: [String] = []

    func run() async throws {
        var options = RunOptions()
        options.target = target
        options.faults = faults
        options.replicaCount = replicaCount
        options.testDuration = testDuration
        options.seed = seed
        options.output = output
        options.log = log
        options.driverCommand = driverCommand
        options.tigerbeetleExecutable = tigerbeetleExecutable
        options.livenessWindow = livenessWindow
        options.keepOutput = keepOutput
        options.faultWeights = faultWeights
        let configuration: RunConfiguration
        do {
            configuration = try RunConfiguration.validate(options, environment: .current())
        } catch {
            throw ValidationError(error.message)
        }
        let code = await RunLauncher.launch(configuration)
        throw ExitCode(code)
    }
}
