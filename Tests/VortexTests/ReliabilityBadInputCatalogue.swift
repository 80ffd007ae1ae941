// The bad-input catalogue of ReliabilityBadInputTests.swift: each row a wrong flag, target file,
// missing executable, unusable output directory or unsupported kernel feature, how to make it in
// a trial directory, and a piece of the one error line that shows the right problem was named.

import Foundation
import Testing

/// How one wrong input is made: the arguments, and optionally a PATH that replaces the trial's.
struct BadInvocation {
    var arguments: [String]
    var path: String?
    /// Runs vortex as an unprivileged user (needed to make a file unreadable to a root test).
    var unprivileged = false
}

/// One row of the catalogue.
struct CLIBadInput: Sendable, CustomStringConvertible {
    let description: String
    /// A piece of the error line that shows the right problem was named.
    let fragment: String
    let make: @Sendable (TrialDirectory) throws -> BadInvocation

    init(
        _ description: String,
        _ fragment: String,
        _ make: @escaping @Sendable (TrialDirectory) throws -> BadInvocation
    ) {
        self.description = description
        self.fragment = fragment
        self.make = make
    }

    /// A `vortex run` with these extra arguments and the trial's output directory.
    static func run(
        _ description: String,
        _ fragment: String,
        _ arguments: [String]
    ) -> CLIBadInput {
        CLIBadInput(description, fragment) { trial in
            BadInvocation(arguments: ["run", "--output", trial.output] + arguments)
        }
    }

    /// A `vortex proxy` with these arguments (upstream given unless the arguments name one).
    static func proxy(
        _ description: String,
        _ fragment: String,
        _ arguments: [String]
    )
        -> CLIBadInput
    {
        CLIBadInput(description, fragment) { _ in
            let upstream = arguments.contains("--upstream") ? [] : ["--upstream", "127.0.0.1:9"]
            return BadInvocation(arguments: ["proxy"] + upstream + arguments)
        }
    }
}

/// Writes `text` into the trial directory and returns the path.
func writeTrialFile(_ trial: TrialDirectory, _ name: String, _ text: String) throws -> String {
    let file = trial.path + "/" + name
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    return file
}

private func target(_ name: String, _ fragment: String, _ text: String) -> CLIBadInput {
    CLIBadInput(name, fragment) { trial in
        let file = try writeTrialFile(
            trial,
            name.replacingOccurrences(of: " ", with: "-") + ".toml",
            text
        )
        return BadInvocation(arguments: ["run", "--output", trial.output, "--target", file])
    }
}

let cliBadInputs: [CLIBadInput] = [
    .run("unknown flag", "Unknown option '--bogus'", ["--bogus"]),
    CLIBadInput(
        "unknown subcommand",
        "Unexpected argument 'runn'"
    ) { _ in BadInvocation(arguments: ["runn"]) },
    .run(
        "missing value at the end",
        "Missing value for '--seed",
        ["--seed"]
    ),
    .run(
        "missing value before a flag",
        "Missing value for '--test-duration",
        ["--test-duration", "--keep-output"]
    ),
    .run("duration with an unknown unit", "--test-duration '10x'", ["--test-duration", "10x"]),
    .run("duration with a trailing number", "--test-duration '1m30'", ["--test-duration", "1m30"]),
    .run("duration negative", "--test-duration '-5s'", ["--test-duration=-5s"]),
    .run("duration zero", "--test-duration '0s' is zero", ["--test-duration", "0s"]),
    .run("replica count 0", "--replica-count '0' is out of range", ["--replica-count", "0"]),
    .run("replica count 7", "--replica-count '7' is out of range", ["--replica-count", "7"]),
    .run("liveness window words", "--liveness-window 'soon'", ["--liveness-window", "soon"]),
    .run("fault backend unknown", "--faults 'pigeon'", ["--faults", "pigeon"]),
    .run("fault weight not a number", "delay=lots", ["--fault-weight", "delay=lots"]),
    .run(
        "faulty-max above the replica count",
        "--faulty-max 9 is more than the 5 replicas",
        ["--replica-count", "5", "--faulty-max", "9"]
    ),
    .run("faulty-max not a bound", "--faulty-max 'all' is not a bound", ["--faulty-max", "all"]),
    .run(
        "unknown partition shape",
        "unknown partition shape 'star'",
        ["--replica-count", "5", "--fault-weight", "partition-star=2"]
    ),
    .run(
        "partition shape impossible at this replica count",
        "partition-bridge=3: needs at least 3 replicas (this run has 2)",
        ["--replica-count", "2", "--faulty-max", "2", "--fault-weight", "partition-bridge=3"]
    ),
    .run(
        "partition shape beyond --faulty-max",
        "partition-halves=3: leaves 3 of 6 replicas outside a connected majority",
        ["--replica-count", "6", "--fault-weight", "partition-halves=3"]
    ),
    .run("seed not a number", "--seed 'twelve'", ["--seed", "twelve"]),
    .run(
        "target name unknown",
        "'etdc' is not etcd, tigerbeetle or a target file",
        ["--target", "etdc"]
    ),
    CLIBadInput("target file missing", "does not exist") { trial in
        BadInvocation(arguments: [
            "run", "--output", trial.output, "--target", trial.path + "/no.toml",
        ])
    },
    CLIBadInput("target file unreadable", "cannot be read") { trial in
        let file = try writeTrialFile(trial, "secret.toml", validTargetFileText)
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: file)
        // The unprivileged user must reach the file, the binary and the trial directory.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: trial.path)
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o777],
            ofItemAtPath: trial.temporary
        )
        return BadInvocation(
            arguments: ["run", "--output", trial.output, "--target", file],
            unprivileged: true
        )
    },
    target("target bad TOML", "is not valid TOML", "name = = \"x\"\n"),
    CLIBadInput("target bad YAML", "is not valid YAML") { trial in
        let file = try writeTrialFile(trial, "bad.yaml", "name: [unclosed\nports: {\n")
        return BadInvocation(arguments: ["run", "--output", trial.output, "--target", file])
    },
    target(
        "target missing field",
        "missing field 'replica.start'",
        validTargetFileText.replacingOccurrences(
            of: "start = [\"/bin/sleep\", \"{port.peer}\"]\n",
            with: ""
        )
    ),
    target(
        "target unknown placeholder",
        "unknown placeholder {replica-port}",
        validTargetFileText.replacingOccurrences(of: "{port.peer}", with: "{replica-port}")
    ),
    target(
        "target proxied ports empty",
        "proxied-ports is empty",
        validTargetFileText.replacingOccurrences(of: "[\"peer\"]", with: "[]")
    ),
    CLIBadInput("target file of unknown kind", "target.json") { trial in
        let file = try writeTrialFile(trial, "target.json", "{}")
        return BadInvocation(arguments: ["run", "--output", trial.output, "--target", file])
    },
    CLIBadInput("etcd not installed", "etcd (for the etcd replicas) not found in PATH") { trial in
        try FileManager.default.createDirectory(
            atPath: trial.path + "/empty-bin",
            withIntermediateDirectories: true
        )
        return BadInvocation(
            arguments: ["run", "--output", trial.output],
            path: trial.path + "/empty-bin"
        )
    },
    .run(
        "driver command not found",
        "no-such-driver (for the driver) not found",
        [
            "--driver-command", "no-such-driver --fast",
        ]
    ),
    CLIBadInput("driver command not executable", "is not an executable file") { trial in
        let file = try writeTrialFile(trial, "driver.sh", "#!/bin/sh\nexit 0\n")
        return BadInvocation(arguments: ["run", "--output", trial.output, "--driver-command", file])
    },
    CLIBadInput("driver command is a directory", "is not an executable file") { trial in
        BadInvocation(arguments: [
            "run", "--output", trial.output, "--driver-command", trial.temporary,
        ])
    },
    CLIBadInput("output exists and is not empty", "exists and is not empty") { trial in
        try FileManager.default.createDirectory(
            atPath: trial.output,
            withIntermediateDirectories: true
        )
        _ = try writeTrialFile(trial, "out/keep.txt", "mine")
        return BadInvocation(arguments: ["run", "--output", trial.output])
    },
    CLIBadInput("output under a regular file", "cannot be created") { trial in
        let file = try writeTrialFile(trial, "plain", "x")
        return BadInvocation(arguments: ["run", "--output", file + "/out"])
    },
    CLIBadInput(
        "output on a read-only file system",
        "--output /proc/vortex-reliability"
    ) { _ in
        BadInvocation(arguments: ["run", "--output", "/proc/vortex-reliability-\(getpid())"])
    },
    CLIBadInput("log in a missing directory", "does not exist") { trial in
        BadInvocation(arguments: [
            "run", "--output", trial.output, "--log", trial.path + "/no/run.log",
        ])
    },
    .run(
        "tigerbeetle without its executable",
        "needs --tigerbeetle-executable",
        [
            "--target", "tigerbeetle", "--driver-command", "/bin/cat",
        ]
    ),
    CLIBadInput(
        "proxy without upstream",
        "Missing expected argument '--upstream"
    ) { _ in
        BadInvocation(arguments: ["proxy", "--delay", "1ms"])
    },
    .proxy(
        "proxy upstream not host:port",
        "--upstream: 'nowhere' is not host:port",
        [
            "--upstream", "nowhere",
        ]
    ),
    .proxy("proxy corruption over 100%", "--corrupt", ["--corrupt", "200%"]),
    .proxy("proxy corruption not a number", "--corrupt", ["--corrupt", "lots"]),
    .proxy("proxy delay without unit", "--delay", ["--delay", "5"]),
    .proxy("proxy bandwidth without unit", "--bandwidth", ["--bandwidth", "fast"]),
    .proxy("proxy direction unknown", "--direction: 'sideways'", ["--direction", "sideways"]),
    CLIBadInput(
        "proxy listen address not ours",
        "cannot listen on 203.0.113.7:80"
    ) { _ in
        BadInvocation(arguments: [
            "proxy", "--upstream", "127.0.0.1:9", "--listen", "203.0.113.7:80",
        ])
    },
]
