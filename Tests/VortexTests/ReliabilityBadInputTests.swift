// Reliability: the bad-input catalogue of the built `vortex` binary. Each wrong flag, target file,
// missing executable, unusable output directory or unsupported kernel feature must give exit 2,
// exactly one line on standard error naming what is wrong and how to fix it, nothing on standard
// output, no stack trace, nothing started (a stand-in `etcd` first in PATH records any start),
// and nothing left behind (no output directory, nothing in TMPDIR, no new temporary names).
// HarnessBadInputTests.swift checks the same kind of inputs through the library; this table goes
// through the command line, so flag parsing, exit codes and printing are covered too. The rows
// are in ReliabilityBadInputCatalogue.swift.

import Foundation
import Testing

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
        let etcd = try writeTrialFile(
            trial,
            "bin/etcd",
            "#!/bin/sh\necho \"$0 $*\" >> \(mark)\nsleep 30\n"
        )
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
