// Reliability: the bad-input catalogue of the built `vortex` binary. Each wrong flag, target file,
// missing executable, unusable output directory or unsupported kernel feature must give exit 2,
// exactly one line on standard error naming what is wrong and how to fix it, nothing on standard
// output, no stack trace, nothing started (a stand-in `etcd` first in PATH records any start),
// and nothing left behind (no output directory, nothing in TMPDIR, no new temporary names).
// HarnessBadInputTests.swift checks the same kind of inputs through the library; this table goes
// through the command line, so flag parsing, exit codes and printing are covered too.

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
private func write(_ trial: TrialDirectory, _ name: String, _ text: String) throws -> String {
    let file = trial.path + "/" + name
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    return file
}

private func target(_ name: String, _ fragment: String, _ text: String) -> CLIBadInput {
    CLIBadInput(name, fragment) { trial in
        let file = try write(trial, name.replacingOccurrences(of: " ", with: "-") + ".toml", text)
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
        let file = try write(trial, "secret.toml", validTargetFileText)
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
        let file = try write(trial, "bad.yaml", "name: [unclosed\nports: {\n")
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
        let file = try write(trial, "target.json", "{}")
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
        let file = try write(trial, "driver.sh", "#!/bin/sh\nexit 0\n")
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
        _ = try write(trial, "out/keep.txt", "mine")
        return BadInvocation(arguments: ["run", "--output", trial.output])
    },
    CLIBadInput("output under a regular file", "cannot be created") { trial in
        let file = try write(trial, "plain", "x")
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

@Suite(.ownThread) struct ReliabilityBadInputTests {
    /// Words of a line that tells the reader how to fix it.
    static let fixWords = [
        "use ", "write ", "set ", "create ", "check ", "install", "choose", "name a", "pass ",
        "remove", "see ", "chmod", "did you mean", "e.g.", "must", "needs", "give ", "add ",
        "try ", "one of", "with ", "empty it", "a number from", "leave it out", "run '",
        // A syntax error that names its line and column says where to fix it.
        "column",
    ]

    @Test(arguments: cliBadInputs)
    func wrongInputGivesOneLineAndStartsNothing(input: CLIBadInput) async throws {
        let trial = try TrialDirectory("bad")
        defer { trial.remove() }
        // A stand-in etcd first in PATH: any replica start leaves a mark.
        let mark = trial.path + "/started"
        let bin = trial.path + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let etcd = try write(trial, "bin/etcd", "#!/bin/sh\necho \"$0 $*\" >> \(mark)\nsleep 30\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: etcd)
        var invocation = try input.make(trial)
        let path =
            invocation.path ?? "\(bin):/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        let outputBefore = try? FileManager.default.contentsOfDirectory(atPath: trial.output)
        let temporaryBefore = TemporarySnapshot.take()
        // Root reads any file: an unreadable file needs an unprivileged user (setpriv).
        if invocation.unprivileged && getuid() != 0 { invocation.unprivileged = false }
        if invocation.unprivileged
            && !FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
        {
            Issue.record("setpriv (util-linux) is needed to test an unreadable file as root")
            return
        }
        let outcome = try await runVortex(invocation, trial: trial, path: path)
        let lines = outcome.standardError.split(separator: "\n", omittingEmptySubsequences: false)
        let line = lines.first.map(String.init) ?? ""
        ReliabilityReport.append(
            "bad-input.tsv",
            [input.description, "exit \(outcome.status)", line]
        )
        #expect(
            outcome.status == 2,
            "\(input): exit \(outcome.status), stderr: \(outcome.standardError)"
        )
        #expect(
            lines.count == 2 && lines[1].isEmpty,
            "\(input): want exactly one line on stderr, got: \(outcome.standardError)"
        )
        #expect(outcome.standardOutput.isEmpty, "\(input): stdout: \(outcome.standardOutput)")
        #expect(line.hasPrefix("vortex: "), "\(input): \(line)")
        #expect(line.contains(input.fragment), "\(input): '\(line)' lacks '\(input.fragment)'")
        for trace in ["Fatal error", "Stack dump", "Current stack trace", "#0 ", "0x0000"] {
            #expect(!outcome.standardError.contains(trace), "\(input): stack trace: \(line)")
        }
        let lower = line.lowercased()
        let saysFix = Self.fixWords.contains { lower.contains($0) }
        #expect(saysFix, "\(input): no fix in '\(line)'")
        // Nothing started, nothing left.
        #expect(!FileManager.default.fileExists(atPath: mark), "\(input): a replica was started")
        let left = ProcessScan.trialProcesses(
            mentioning: trial.path,
            marker: trial.marker,
            pidNamespace: nil
        )
        #expect(left.isEmpty, "\(input): processes left: \(left)")
        ProcessScan.kill(left)
        let outputAfter = try? FileManager.default.contentsOfDirectory(atPath: trial.output)
        #expect(outputAfter == outputBefore, "\(input): output directory changed")
        #expect(trial.strayTemporaryFiles().isEmpty, "\(input): \(trial.strayTemporaryFiles())")
        let newTemporary = TemporarySnapshot.take().subtracting(temporaryBefore)
        #expect(newTemporary.isEmpty, "\(input): new temporary files \(newTemporary)")
    }

    private struct Outcome {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// Runs vortex for one row; status -1 means it was still running after 30 s.
    private func runVortex(
        _ invocation: BadInvocation,
        trial: TrialDirectory,
        path: String
    ) async throws -> Outcome {
        let process = Process()
        var arguments = invocation.arguments
        if invocation.unprivileged {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            arguments =
                [
                    "--reuid", "65534", "--regid", "65534", "--clear-groups",
                    HarnessCLI.executable,
                ]
                + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: HarnessCLI.executable)
        }
        process.arguments = arguments
        process.environment = trial.environment(["PATH": path])
        // Files, not pipes: a vortex that hangs instead of failing must not hang the test.
        let outputFile = trial.path + "/bad.stdout"
        let errorFile = trial.path + "/bad.stderr"
        _ = FileManager.default.createFile(atPath: outputFile, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: outputFile)
        process.standardError = FileHandle(forWritingAtPath: errorFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let hung = process.isRunning
        if hung {
            process.terminate()
            process.waitUntilExit()
        }
        return Outcome(
            status: hung
                ? -1
                : process.terminationReason == .exit
                    ? process.terminationStatus : 128 + process.terminationStatus,
            standardOutput: trial.text(outputFile),
            standardError: trial.text(errorFile)
        )
    }

    @Test func netemOnAKernelWithoutNetemIsABadInput() async throws {
        // Only meaningful where the kernel lacks sch_netem; `vortex netem-check` says which.
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: HarnessCLI.executable)
        probe.arguments = ["netem-check"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitUntilExit()
        guard probe.terminationStatus == 1 else { return }
        let row = CLIBadInput("--faults netem without sch_netem", "this kernel has no sch_netem") {
            trial in
            BadInvocation(arguments: ["run", "--output", trial.output, "--faults", "netem"])
        }
        try await wrongInputGivesOneLineAndStartsNothing(input: row)
    }

    @Test func catalogueIsLargeAndDistinct() {
        #expect(cliBadInputs.count + 1 + harnessBadInputs.count >= 30)
        #expect(Set(cliBadInputs.map(\.description)).count == cliBadInputs.count)
    }
}
