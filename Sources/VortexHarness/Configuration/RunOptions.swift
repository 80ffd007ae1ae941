// The flags of `vortex run` exactly as the user typed them (strings), and the facts about the
// machine that validation needs (PATH, where vortex lives, the temporary directory, a source of
// random seeds). Keeping them raw lets RunConfiguration give every wrong value the same kind of
// one-line error, and lets tests validate inputs without a command line.

import Foundation

/// The flags of `vortex run` before validation.
public struct RunOptions: Sendable, Hashable {
    /// `--target`: `etcd`, `tigerbeetle` or a `.toml`/`.yaml` target file.
    public var target = "etcd"
    /// `--faults`: `proxy`, `netem` or `none`.
    public var faults = "proxy"
    /// `--replica-count`: 1 through 6.
    public var replicaCount = "1"
    /// `--test-duration`: the original's duration syntax.
    public var testDuration = "1m"
    /// `--seed`: a u64; random when nil.
    public var seed: String?
    /// `--output`: the output directory; a new one under the temporary directory when nil.
    public var output: String?
    /// `--log`: a file that receives what would go to standard error.
    public var log: String?
    /// `--driver-command`: the driver command line, split on spaces.
    public var driverCommand: String?
    /// `--tigerbeetle-executable`: the TigerBeetle binary.
    public var tigerbeetleExecutable: String?
    /// `--liveness-window`: how long an acceptable period may go without progress.
    public var livenessWindow = "180s"
    /// `--keep-output`: keep the output directory after a pass.
    public var keepOutput = false
    /// `--fault-weight NAME=W`, repeatable.
    public var faultWeights: [String] = []
    /// `--faulty-max`: `minority`, `majority` or a number of replicas.
    public var faultyMax = "minority"
    /// `--workload`: `ledger` or `register`.
    public var workload = WorkloadKind.ledger.rawValue
    /// `--clients`: concurrent clients of the register workload; ``defaultClients`` when nil.
    public var clients: String?
    /// `--request-timeout`: how long the register workload waits for a reply;
    /// ``defaultRequestTimeout`` when nil.
    public var requestTimeout: String?

    /// The register workload's clients when `--clients` is not given.
    public static let defaultClients = "5"
    /// The register workload's request timeout when `--request-timeout` is not given.
    public static let defaultRequestTimeout = "5s"

    /// Options with every default.
    public init() {}
}

/// What validation needs to know about the machine and the invoking process.
public struct RunEnvironment: Sendable {
    /// The `PATH` to search executables in.
    public var searchPath: String
    /// The directory holding the running `vortex` executable (for `{vortex-dir}`).
    public var vortexDirectory: String
    /// Where default output directories go.
    public var temporaryDirectory: String
    /// A seed already chosen by the process that relaunched this one, used when `--seed` is absent.
    public var inheritedSeed: UInt64?
    /// An output directory already chosen by the process that relaunched this one.
    public var inheritedOutput: String?
    /// Draws a random seed when neither `--seed` nor an inherited seed is given.
    public var randomSeed: @Sendable () -> UInt64

    /// The environment variable carrying the chosen seed into the relaunched process.
    public static let seedVariable = "VORTEX_RUN_SEED"
    /// The environment variable carrying the chosen output directory into the relaunched process.
    public static let outputVariable = "VORTEX_RUN_OUTPUT"

    /// Creates an environment from explicit values (tests).
    public init(
        searchPath: String,
        vortexDirectory: String,
        temporaryDirectory: String,
        inheritedSeed: UInt64? = nil,
        inheritedOutput: String? = nil,
        randomSeed: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }
    ) {
        self.searchPath = searchPath
        self.vortexDirectory = vortexDirectory
        self.temporaryDirectory = temporaryDirectory
        self.inheritedSeed = inheritedSeed
        self.inheritedOutput = inheritedOutput
        self.randomSeed = randomSeed
    }

    /// The environment of the current process: its `PATH`, the directory of its executable,
    /// `TMPDIR` (or `/tmp`) and any seed or output chosen before a relaunch.
    public static func current() -> RunEnvironment {
        let variables = ProcessInfo.processInfo.environment
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? "vortex"
        return RunEnvironment(
            searchPath: variables["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            vortexDirectory: (executable as NSString).deletingLastPathComponent,
            temporaryDirectory: variables["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp",
            inheritedSeed: variables[seedVariable].flatMap { UInt64($0) },
            inheritedOutput: variables[outputVariable].flatMap { $0.isEmpty ? nil : $0 }
        )
    }
}
