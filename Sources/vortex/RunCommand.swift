// `vortex run`: parse the flags into RunOptions, validate them into a RunConfiguration (any wrong
// input is one line and exit 2, before anything starts), then hand the run to VortexHarness, or,
// with --check-only, stop there with exit 0.

import ArgumentParser
import VortexHarness

/// `vortex run`: runs a cluster under faults with a model-checking workload.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a cluster of real replicas under faults and check a workload against it.",
        usage: "vortex run [--target <target>] [--faults <backend>] [<options>]",
        discussion: RunOutcome.helpSentence
    )
    /// Every default comes from RunOptions, the one place that declares them.
    private static let defaults = RunOptions()

    @Option(help: "etcd, tigerbeetle, or a .toml/.yaml target file.")
    var target = defaults.target

    @Option(
        help: """
            Network fault backend: proxy, netem or none (none: no network faults, and no process \
            faults unless --fault-weight gives them a weight).
            """
    )
    var faults = defaults.faults

    @Option(help: "Number of replicas, 1 through 6.")
    var replicaCount = defaults.replicaCount

    @Option(help: "How long to run, e.g. 90s, 1m30s, 2h (units d h m s ms us ns).")
    var testDuration = defaults.testDuration

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

    @Option(help: "Longest time without progress while faults are tolerable.")
    var livenessWindow = defaults.livenessWindow

    @Flag(help: "Keep the output directory after a pass (it is always kept after a failure).")
    var keepOutput = false

    @Option(
        name: .customLong("fault-weight"),
        help: """
            Override one fault weight, NAME=W (repeatable), e.g. terminate=4 or delay=0. Names: \
            \(FaultKind.allCases.map(\.rawValue).joined(separator: ", ")).
            """
    )
    var faultWeights: [String] = []

    @Option(
        name: .customLong("faulty-max"),
        help: """
            Most replicas faulty at once (terminated, paused, or cut off from a connected \
            majority): minority, majority, or a number from 0 to the replica count.
            """
    )
    var faultyMax = defaults.faultyMax

    @Option(help: "The workload: ledger (TigerBeetle's, one client) or register (linearizability).")
    var workload = defaults.workload

    @Option(
        help: """
            Concurrent clients of --workload register, 1 through 32 (default \
            \(RunOptions.defaultClients)).
            """
    )
    var clients: String?

    @Option(
        help: """
            --workload register: a reply later than this leaves the operation's outcome unknown \
            and replaces the client's driver (default \(RunOptions.defaultRequestTimeout)).
            """
    )
    var requestTimeout: String?

    @Flag(
        help: """
            Check the flags, the target, the executables and the output location, then exit 0 \
            without starting anything (2 with one line saying what is wrong).
            """
    )
    var checkOnly = false

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
        options.faultyMax = faultyMax
        options.workload = workload
        options.clients = clients
        options.requestTimeout = requestTimeout
        let configuration: RunConfiguration
        do {
            configuration = try RunConfiguration.validate(options, environment: .current())
        } catch {
            throw ValidationError(error.message)
        }
        if checkOnly {
            print(
                "vortex: ok: target=\(configuration.target.name) "
                    + "faults=\(configuration.faults.rawValue) "
                    + "replicas=\(configuration.replicaCount) seed=\(configuration.seed) "
                    + "output=\(configuration.outputDirectory) (nothing started)"
            )
            return
        }
        let code = await RunLauncher.launch(configuration)
        throw ExitCode(code)
    }
}
