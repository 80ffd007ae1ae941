// A validated `vortex run`: every flag checked, the target loaded, every executable found and the
// output location usable, before anything starts. Any wrong input is a ConfigurationError with one
// line that says what is wrong and how to fix it; the CLI turns it into exit code 2.

import Foundation

/// Everything a run needs, checked.
public struct RunConfiguration: Sendable {
    /// The system under test.
    public var target: TargetDefinition
    /// `--target` as given: a built-in name, or the target file's absolute path.
    public var targetSpecifier: String
    /// How network faults are injected.
    public var faults: FaultBackendKind
    /// Number of replicas, 1 through 6.
    public var replicaCount: Int
    /// How long the workload runs under faults.
    public var testDuration: Duration
    /// The seed of every random choice vortex makes.
    public var seed: UInt64
    /// Whether the seed came from `--seed` (otherwise it was drawn and must be printed).
    public var seedWasGiven: Bool
    /// The output directory (absolute; does not exist yet or is empty).
    public var outputDirectory: String
    /// Whether the output directory was named with `--output`.
    public var outputDirectoryWasGiven: Bool
    /// `--log`: where standard error goes, or nil.
    public var logFile: String?
    /// The driver command (executable resolved, placeholders allowed in arguments).
    public var driverCommand: CommandTemplate
    /// The TigerBeetle binary, when the target uses `{tigerbeetle}`.
    public var tigerbeetleExecutable: String?
    /// Whether the workload sends the sparse create operations: the TigerBeetle binary's release
    /// (`tigerbeetle version`) is before 0.17.0. False for targets without `{tigerbeetle}`.
    public var sparseCreates = false
    /// The directory of the running vortex executable (`{vortex-dir}`).
    public var vortexDirectory: String
    /// The liveness window (the original: 180 s).
    public var livenessWindow: Duration
    /// Keep the output directory after a pass.
    public var keepOutput: Bool
    /// The weight of each fault action.
    public var faultWeights: FaultWeights
    /// `--faulty-max` as given.
    public var faultyReplicasBound: FaultyReplicasBound

    /// The most replicas the scheduler lets be faulty at once.
    public var faultyReplicasMax: Int {
        faultyReplicasBound.replicas(of: replicaCount)
    }

    /// The workload the driver runs.
    public var workload: WorkloadKind = .ledger
    /// The register workload's options (nil for the ledger).
    public var register: RegisterOptions?

    /// The ports behind a proxy in this run (the target's proxied ports with `--faults proxy`).
    public var layout: ClusterLayout {
        ClusterLayout(
            replicaCount: replicaCount,
            portNames: target.ports,
            proxiedPortNames: faults == .proxy ? target.proxiedPorts : []
        )
    }

    /// Checks `options` and builds a configuration.
    ///
    /// - Throws: ``ConfigurationError`` for the first wrong input found.
    public static func validate(
        _ options: RunOptions,
        environment: RunEnvironment
    ) throws(ConfigurationError) -> RunConfiguration {
        let testDuration = try DurationSyntax.parse(options.testDuration, name: "--test-duration")
        let livenessWindow = try DurationSyntax.parse(
            options.livenessWindow,
            name: "--liveness-window"
        )
        let replicaCount = try parseReplicaCount(options.replicaCount)
        let faultyBound = try FaultyReplicasBound.parse(
            options.faultyMax,
            replicaCount: replicaCount
        )
        let faultyMax = faultyBound.replicas(of: replicaCount)
        let seed = try parseSeed(options.seed)
        guard let faults = FaultBackendKind(rawValue: options.faults) else {
            throw ConfigurationError(
                "--faults '\(options.faults)' is not a fault backend; use proxy, netem or none"
            )
        }
        let target = try loadTarget(options.target)
        let workload = try parseWorkload(options)
        var weights = FaultWeights.defaults(for: faults)
        if faults == .proxy && target.corruptiblePorts.isEmpty {
            weights.disable(.corrupt)
        }
        weights.disableImpossible(replicaCount: replicaCount, faultyReplicasMax: faultyMax)
        try weights.apply(overrides: options.faultWeights, backend: faults)
        try weights.requirePossible(replicaCount: replicaCount, faultyReplicasMax: faultyMax)
        if faults == .proxy && target.corruptiblePorts.isEmpty && weights[.corrupt] > 0 {
            throw ConfigurationError(
                "--fault-weight corrupt: target \(target.name) has no corruptible ports for the "
                    + "proxy backend; use --faults netem or drop the override"
            )
        }
        let tigerbeetle = try checkTigerBeetle(
            options.tigerbeetleExecutable,
            target: target,
            environment: environment
        )
        let driver = try resolveDriver(
            options.driverCommand,
            workload: workload.kind,
            target: target,
            environment: environment
        )
        try checkReplicaExecutable(target, tigerbeetle: tigerbeetle, environment: environment)
        let sparseCreates = try tigerbeetle.map {
            (path) throws(ConfigurationError) -> Bool in
            try TigerBeetleVersionQuery.release(of: path).takesSparseCreates
        }
        let resolvedSeed = seed ?? environment.inheritedSeed ?? environment.randomSeed()
        let output = try OutputLocation.checkDirectory(
            options.output ?? environment.inheritedOutput
                ?? defaultOutputDirectory(environment: environment, seed: resolvedSeed)
        )
        let logFile = try options.log.map { (path) throws(ConfigurationError) -> String in
            try OutputLocation.checkLogFile(path)
        }
        return RunConfiguration(
            target: target,
            targetSpecifier: BuiltinTargets.target(named: options.target) != nil
                ? options.target : OutputLocation.absolutePath(options.target),
            faults: faults,
            replicaCount: replicaCount,
            testDuration: testDuration,
            seed: resolvedSeed,
            seedWasGiven: seed != nil,
            outputDirectory: output,
            outputDirectoryWasGiven: options.output != nil,
            logFile: logFile,
            driverCommand: driver,
            tigerbeetleExecutable: tigerbeetle,
            sparseCreates: sparseCreates ?? false,
            vortexDirectory: environment.vortexDirectory,
            livenessWindow: livenessWindow,
            keepOutput: options.keepOutput,
            faultWeights: weights,
            faultyReplicasBound: faultyBound,
            workload: workload.kind,
            register: workload.register
        )
    }

    private static func parseReplicaCount(_ text: String) throws(ConfigurationError) -> Int {
        guard let count = Int(text), (1...ClusterLayout.replicaCountMax).contains(count) else {
            throw ConfigurationError(
                "--replica-count '\(text)' is out of range; use a number from 1 to "
                    + "\(ClusterLayout.replicaCountMax)"
            )
        }
        return count
    }

    private static func parseSeed(_ text: String?) throws(ConfigurationError) -> UInt64? {
        guard let text else { return nil }
        guard let seed = UInt64(text) else {
            throw ConfigurationError(
                "--seed '\(text)' is not a whole number from 0 to \(UInt64.max); "
                    + "leave it out for a random seed"
            )
        }
        return seed
    }

    private static func loadTarget(_ text: String) throws(ConfigurationError) -> TargetDefinition {
        if let builtin = BuiltinTargets.target(named: text) { return builtin }
        return try TargetFile.load(path: text)
    }

    private static func checkTigerBeetle(
        _ path: String?,
        target: TargetDefinition,
        environment: RunEnvironment
    ) throws(ConfigurationError) -> String? {
        let usesTigerBeetle = target.placeholders.contains(.tigerbeetle)
        guard let path else {
            if usesTigerBeetle {
                throw ConfigurationError(
                    "target \(target.name) needs --tigerbeetle-executable PATH (the tigerbeetle "
                        + "binary to test)"
                )
            }
            return nil
        }
        guard usesTigerBeetle else {
            throw ConfigurationError(
                "--tigerbeetle-executable is not used by target \(target.name); drop it or use "
                    + "--target tigerbeetle"
            )
        }
        return try ExecutableLookup.require(
            path,
            searchPath: environment.searchPath,
            purpose: "--tigerbeetle-executable",
            hint: "give the path of a tigerbeetle binary"
        )
    }

    private static func resolveDriver(
        _ text: String?,
        workload: WorkloadKind,
        target: TargetDefinition,
        environment: RunEnvironment
    ) throws(ConfigurationError) -> CommandTemplate {
        let template: CommandTemplate
        let hint: String
        if let text {
            guard !text.contains("\"") else {
                throw ConfigurationError(
                    "--driver-command must not contain quotes: it is split on spaces, as the "
                        + "original's; wrap the driver in a script if it needs quoting"
                )
            }
            template = try CommandTemplate(
                splitting: text,
                ports: target.ports,
                field: "--driver-command"
            )
            try template.requireClusterWide(field: "--driver-command")
            hint = "check --driver-command"
        } else if let builtin = target.driver.command(for: workload) {
            template = builtin
            hint = target.driverInstallHint
        } else if !target.driver.workloads.contains(workload) {
            throw ConfigurationError(
                "target \(target.name) has no \(workload) driver (it speaks "
                    + "\(target.driver.workloads.map(\.rawValue).joined(separator: ", "))); give "
                    + "--driver-command CMD (a \(workload) driver, docs/workload.md) or another "
                    + "--workload"
            )
        } else {
            throw ConfigurationError(
                "target \(target.name) needs --driver-command CMD (a driver speaking the vortex "
                    + "protocol, e.g. the TigerBeetle Zig driver)"
            )
        }
        let executable = template.expand { placeholder in
            switch placeholder {
            case .vortexDirectory: environment.vortexDirectory
            default: "\(placeholder)"
            }
        }[0]
        _ = try ExecutableLookup.require(
            executable,
            searchPath: environment.searchPath,
            purpose: "the driver",
            hint: hint
        )
        return template
    }

    private static func checkReplicaExecutable(
        _ target: TargetDefinition,
        tigerbeetle: String?,
        environment: RunEnvironment
    ) throws(ConfigurationError) {
        let commands = [target.prepare, target.start].compactMap { $0 }
        for command in commands {
            let executable = command.expand { placeholder in
                switch placeholder {
                case .vortexDirectory: environment.vortexDirectory
                case .tigerbeetle: tigerbeetle ?? "tigerbeetle"
                default: "\(placeholder)"
                }
            }[0]
            _ = try ExecutableLookup.require(
                executable,
                searchPath: environment.searchPath,
                purpose: "the \(target.name) replicas",
                hint: target.replicaInstallHint
            )
        }
    }

    private static func defaultOutputDirectory(environment: RunEnvironment, seed: UInt64) -> String
    {
        let stamp = Int(Date().timeIntervalSince1970)
        return "\(environment.temporaryDirectory)/vortex-\(stamp)-\(seed)"
    }
}
