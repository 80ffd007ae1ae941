// Shared pieces of the reliability tests: a private directory per trial (output, TMPDIR, captured
// output) that the built `vortex` runs in, and the leak checks run after each trial: processes of the
// trial (found by its output directory in a command line, its marker in an environment, or its
// pid namespace), host network namespaces and loopback qdiscs, and stray temporary files. Only
// processes that belong to the trial are ever counted or killed.

import Foundation
import Testing

/// A private directory for one trial: `out` (never created here), `tmp` (the trial's TMPDIR),
/// and files for standard output and error. The marker names the trial in environments.
struct TrialDirectory {
    let path: String
    let marker: String

    init(_ label: String) throws {
        marker = "\(label)-\(UUID().uuidString)"
        path = FileManager.default.temporaryDirectory.path + "/vortex-reliability-\(marker)"
        try FileManager.default.createDirectory(
            atPath: path + "/tmp",
            withIntermediateDirectories: true
        )
    }

    var output: String { path + "/out" }
    var temporary: String { path + "/tmp" }
    var standardOutput: String { path + "/stdout" }
    var standardError: String { path + "/stderr" }

    /// The environment of a trial's vortex: ours, plus its TMPDIR and marker.
    /// The built `vortex` with `arguments`, not yet started: the trial's environment, standard
    /// output and error into this directory's files, standard input empty.
    func vortexProcess(_ arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HarnessCLI.executable)
        process.arguments = arguments
        process.environment = environment()
        _ = FileManager.default.createFile(atPath: standardOutput, contents: nil)
        _ = FileManager.default.createFile(atPath: standardError, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: standardOutput)
        process.standardError = FileHandle(forWritingAtPath: standardError)
        process.standardInput = FileHandle.nullDevice
        return process
    }

    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = temporary
        environment["VORTEX_RELIABILITY_TRIAL"] = marker
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Whatever vortex left in the trial's TMPDIR.
    func strayTemporaryFiles() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? ["<tmp missing>"]
    }

    /// The file's text (lossy: a log read mid-write may end inside a character).
    func text(_ file: String) -> String {
        FileManager.default.contents(atPath: file).map { String(decoding: $0, as: UTF8.self) }
            ?? ""
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A process found by a scan of /proc.
struct ScannedProcess: CustomStringConvertible {
    let pid: Int32
    let command: String

    var description: String { "\(pid) \(command.prefix(160))" }
}

/// Reads /proc to find the processes of one trial.
enum ProcessScan {
    /// Processes whose command line mentions `text`, whose environment holds `marker`, or that
    /// live in `pidNamespace` (as read by `pidNamespace(of:)`); never this test process.
    static func trialProcesses(
        mentioning text: String,
        marker: String,
        pidNamespace: String?
    ) -> [ScannedProcess] {
        let own = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> ScannedProcess? in
            guard let pid = Int32(entry), pid != own else { return nil }
            let command = commandLine(of: pid)
            var belongs = command.contains(text)
            if !belongs, let namespace = pidNamespace {
                belongs = self.pidNamespace(of: pid) == namespace
            }
            if !belongs,
                let environment = FileManager.default.contents(
                    atPath: "/proc/\(pid)/environ"
                )
            {
                belongs = environment.range(of: Data(marker.utf8)) != nil
            }
            return belongs ? ScannedProcess(pid: pid, command: command) : nil
        }
    }

    /// The command line of `pid`, arguments joined by spaces ("" once it is gone).
    static func commandLine(of pid: Int32) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
            return ""
        }
        return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }

    /// The pid namespace of `pid`, e.g. `pid:[4026532301]`.
    static func pidNamespace(of pid: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/pid")
    }

    /// The direct children of `pid`.
    static func children(of pid: Int32) -> [Int32] {
        let tasks =
            (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task -> [Int32] in
            let file = "/proc/\(pid)/task/\(task)/children"
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            return text.split(separator: " ").compactMap { Int32($0) }
        }
    }

    /// Waits up to `timeout` for the trial's processes to go; returns those still there.
    static func waitForTrialProcessesToEnd(
        mentioning text: String,
        marker: String,
        pidNamespace: String?,
        timeout: Duration
    ) async throws -> [ScannedProcess] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = trialProcesses(mentioning: text, marker: marker, pidNamespace: pidNamespace)
            if left.isEmpty || ContinuousClock.now >= deadline { return left }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Kills processes a failed trial left behind (they are the trial's own, found above).
    static func kill(_ processes: [ScannedProcess]) {
        for process in processes { Glibc.kill(process.pid, SIGKILL) }
    }
}

/// Host state a run must leave as it found it: named network namespaces and the qdiscs of `lo`.
struct HostNetworkState: Equatable, CustomStringConvertible {
    let namespaces: String
    let loopbackQdiscs: String

    static func read() -> HostNetworkState {
        // Netem's host tests add and delete `vortex-test-*` namespaces while these suites run in
        // the same `swift test`; vortex's own namespaces are anonymous and never listed here.
        let namespaces = run("/usr/bin/env", ["ip", "netns", "list"])
            .split(separator: "\n")
            .filter { !$0.hasPrefix("vortex-test-") }
            .joined(separator: "\n")
        return HostNetworkState(
            namespaces: namespaces,
            loopbackQdiscs: run("/usr/bin/env", ["tc", "qdisc", "show", "dev", "lo"])
        )
    }

    var description: String { "netns [\(namespaces)] lo qdiscs [\(loopbackQdiscs)]" }

    private static func run(_ executable: String, _ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "<cannot run \(arguments[0])>" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Names in the shared temporary directory that vortex could have made: anything starting with
/// `vortex` except the folders of tests (`vortex-harness-…`, `vortex-reliability-…`,
/// `vortex-hostile-…`) and default output directories (`vortex-STAMP-SEED`), which belong to
/// runs beside us (a trial always names its output and sets its own TMPDIR).
enum TemporarySnapshot {
    /// Names that other suites of the same `swift test` run (and the repository's scripts)
    /// create in the shared temporary directory while a trial runs; vortex itself writes its
    /// scratch files to the trial's own TMPDIR, which is checked separately.
    static let otherTestsPrefixes = [
        "vortex-harness-", "vortex-reliability-", "vortex-hostile-", "vortex-etcd-test-",
        "vortex-etcd-bench-", "vortex-bench-", "vortex-test-", "vortex-netem-test.",
        "vortex-uml.", "vortex-demo", "vortex-longrun", "vortex-partition-",
    ]

    static func take() -> Set<String> {
        let directory = FileManager.default.temporaryDirectory.path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return Set(
            names.filter { name in
                name.hasPrefix("vortex")
                    && !otherTestsPrefixes.contains { name.hasPrefix($0) }
                    && !isDefaultOutputName(name)
            }
        )
    }

    /// `vortex-<digits>-<digits>`: the output directory vortex makes when none is named.
    private static func isDefaultOutputName(_ name: String) -> Bool {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "vortex"
            && parts.dropFirst().allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }
}

/// How a trace.json of an interrupted run reads.
enum TraceState: String {
    /// Parses as written: the array was closed.
    case closed
    /// Parses once `]` is appended (a killed run leaves the array open).
    case parsesOnceClosed
    case unparseable
    case missing

    static func read(_ path: String) -> TraceState {
        guard let data = FileManager.default.contents(atPath: path) else { return .missing }
        if (try? JSONSerialization.jsonObject(with: data)) is [Any] { return .closed }
        var trimmed = String(decoding: data, as: UTF8.self)
        while let last = trimmed.last, last.isWhitespace || last == "," { trimmed.removeLast() }
        if (try? JSONSerialization.jsonObject(with: Data((trimmed + "\n]").utf8))) is [Any] {
            return .parsesOnceClosed
        }
        return .unparseable
    }
}

/// Where the reliability suites write one line per trial, when VORTEX_RELIABILITY_REPORT names a
/// directory (scripts/reliability reads it for its summary table).
enum ReliabilityReport {
    static func append(_ file: String, _ fields: [String]) {
        guard let directory = ProcessInfo.processInfo.environment["VORTEX_RELIABILITY_REPORT"],
            !directory.isEmpty
        else { return }
        let line = Array((fields.joined(separator: "\t") + "\n").utf8)
        // One write to a file opened for appending: rows of tests running in parallel never mix.
        let descriptor = open(directory + "/" + file, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else { return }
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }

    /// A whole number from the environment, or `fallback`.
    static func count(_ variable: String, default fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[variable].flatMap { Int($0) } ?? fallback
    }
}
