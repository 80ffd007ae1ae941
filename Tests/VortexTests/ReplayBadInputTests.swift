// The bad-input catalogue of `vortex replay` and `vortex shrink`: a directory that is not a
// vortex output (missing, no or a malformed summary.json or faults.jsonl, a newer schema
// version), a schedule that does not fit the run, an output inside the original, a passing run
// to shrink, wrong flags: each gives exactly one line naming the file or flag and what is wrong,
// exit 2, and creates nothing.

import Foundation
import Testing
import VortexHarness

/// One broken original directory: how to break a copy of a real one, and the error's fragment.
struct ReplayBadInput: Sendable, CustomStringConvertible {
    let description: String
    let fragment: String
    /// Extra arguments after `replay DIR` (`{dir}` stands for the directory, `{new}` for a
    /// path that must not come to exist).
    let arguments: [String]
    let subcommand: String
    let breakDirectory: @Sendable (String) throws -> Void

    init(
        _ description: String,
        _ fragment: String,
        subcommand: String = "replay",
        arguments: [String] = [],
        _ breakDirectory: @escaping @Sendable (String) throws -> Void = { _ in }
    ) {
        self.description = description
        self.fragment = fragment
        self.subcommand = subcommand
        self.arguments = arguments
        self.breakDirectory = breakDirectory
    }
}

/// Rewrites `name` in `directory` with `change` applied to its text.
private func edit(_ directory: String, _ name: String, _ change: (String) -> String) throws {
    let path = directory + "/" + name
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try change(text).write(toFile: path, atomically: true, encoding: .utf8)
}

private func remove(_ directory: String, _ name: String) throws {
    try FileManager.default.removeItem(atPath: directory + "/" + name)
}

private let header = #"{"format":"vortex-faults","schemaVersion":1}"#

let replayBadInputs: [ReplayBadInput] = [
    .init("no such directory", "is not a directory; give the output directory of a vortex run") {
        try FileManager.default.removeItem(atPath: $0)
    },
    .init("no summary", "summary.json does not exist; the directory is not the output") {
        try remove($0, "summary.json")
    },
    .init("summary not JSON", "summary.json is not a vortex summary: not JSON") {
        try "{ nope".write(toFile: $0 + "/summary.json", atomically: true, encoding: .utf8)
    },
    .init("summary without a field", #"summary.json is not a vortex summary: missing "seed""#) {
        try edit($0, "summary.json") { $0.replacingOccurrences(of: "\"seed\"", with: "\"sd\"") }
    },
    .init("summary of a newer schema", "summary.json has schema version 9, newer than") {
        try edit($0, "summary.json") {
            $0.replacingOccurrences(of: "\"schemaVersion\" : 1", with: "\"schemaVersion\" : 9")
        }
    },
    .init("no faults.jsonl", "faults.jsonl does not exist; the directory must hold") {
        try remove($0, "faults.jsonl")
    },
    .init("faults.jsonl without header", "faults.jsonl:1: not a vortex faults.jsonl") {
        try "{}\n".write(toFile: $0 + "/faults.jsonl", atomically: true, encoding: .utf8)
    },
    .init("faults.jsonl of a newer schema", "faults.jsonl: schema version 4 is newer") {
        try #"{"format":"vortex-faults","schemaVersion":4}"#.write(
            toFile: $0 + "/faults.jsonl",
            atomically: true,
            encoding: .utf8
        )
    },
    .init(
        "a line that is not a decision",
        #"faults.jsonl:2: not a fault decision: missing "timeUs""#
    ) {
        try "\(header)\n{\"tick\":1,\"action\":\"heal\"}\n".write(
            toFile: $0 + "/faults.jsonl",
            atomically: true,
            encoding: .utf8
        )
    },
    .init("a replica the run lacks", "faults.jsonl:2: replica 5 does not exist in this 1-replica") {
        try "\(header)\n{\"tick\":1,\"timeUs\":9,\"action\":\"pause\",\"replica\":5}\n".write(
            toFile: $0 + "/faults.jsonl",
            atomically: true,
            encoding: .utf8
        )
    },
    .init("a network fault without a backend", "faults.jsonl:2: delay needs a network backend") {
        let line = #"{"tick":1,"timeUs":9,"action":"delay","delayMs":5,"jitterMs":1}"#
        try "\(header)\n\(line)\n".write(
            toFile: $0 + "/faults.jsonl",
            atomically: true,
            encoding: .utf8
        )
    },
    .init(
        "a target file that is gone",
        "summary.json: its configuration cannot run here: target file"
    ) {
        try edit($0, "summary.json") {
            $0.replacingOccurrences(of: "harness-sleeper.toml", with: "gone.toml")
        }
    },
    .init(
        "output inside the original",
        "which replay and shrink only read",
        arguments: [
            "--output", "{dir}/again",
        ]
    ),
    .init("a bad duration", "--test-duration '5 s'", arguments: ["--test-duration", "5 s"]),
    .init(
        "shrink of a passing run",
        "the run's verdict is pass (reason pass); shrink needs a failing",
        subcommand: "shrink"
    ) {
        try edit($0, "summary.json") {
            $0.replacingOccurrences(of: "\"verdict\" : \"fail\"", with: "\"verdict\" : \"pass\"")
                .replacingOccurrences(
                    of: "\"reason\" : \"driver-exited-early\"",
                    with: "\"reason\" : \"pass\""
                )
        }
    },
    .init(
        "shrink into the original",
        "which replay and shrink only read",
        subcommand: "shrink",
        arguments: [
            "--output", "{dir}/shrunk",
        ]
    ),
    .init(
        "shrink with no jobs",
        "--jobs '0' is out of range",
        subcommand: "shrink",
        arguments: [
            "--jobs", "0", "--output", "{new}",
        ]
    ),
    .init(
        "shrink with a bad budget",
        "--budget 'soon'",
        subcommand: "shrink",
        arguments: [
            "--budget", "soon", "--output", "{new}",
        ]
    ),
]

@Suite(.ownThread, .serialized) struct ReplayBadInputTests {
    @Test func everyBrokenDirectoryIsOneLineAndExitTwo() throws {
        // One real failing run (the driver exits a second after it starts, so the
        // faults' tick loop has started), copied and broken once per row.
        let original = HarnessCLI.newOutputDirectory()
        defer { try? FileManager.default.removeItem(atPath: original) }
        let run = try HarnessCLI.run([
            "run", "--target", HarnessCLI.fixtures + "/harness-sleeper.toml", "--faults", "none",
            "--test-duration", "30s", "--seed", "11", "--output", original,
            "--driver-command", HarnessCLI.fixtures + "/replay-exiting-driver.sh",
        ])
        #expect(run.status == 10, "\(run.standardError)")
        for input in replayBadInputs {
            let copy = HarnessCLI.newOutputDirectory()
            let untouched = HarnessCLI.newOutputDirectory()
            defer {
                try? FileManager.default.removeItem(atPath: copy)
                try? FileManager.default.removeItem(atPath: untouched)
            }
            try FileManager.default.copyItem(atPath: original, toPath: copy)
            try input.breakDirectory(copy)
            let before = ReplayCLI.snapshot(copy)
            let arguments = input.arguments.map {
                $0.replacingOccurrences(of: "{dir}", with: copy)
                    .replacingOccurrences(of: "{new}", with: untouched)
            }
            let outcome = try HarnessCLI.run([input.subcommand, copy] + arguments)
            #expect(outcome.status == 2, "\(input): \(outcome.standardOutput)")
            let lines = outcome.standardError.split(separator: "\n")
            #expect(lines.count == 1, "\(input): \(outcome.standardError)")
            #expect(lines.first?.hasPrefix("vortex: ") == true, "\(input)")
            #expect(
                outcome.standardError.contains(input.fragment),
                "\(input): \(outcome.standardError)"
            )
            #expect(outcome.standardOutput.isEmpty, "\(input)")
            #expect(ReplayCLI.snapshot(copy) == before, "\(input): the original is only read")
            #expect(!FileManager.default.fileExists(atPath: untouched), "\(input)")
        }
    }

    @Test func theCatalogueNamesDistinctProblems() {
        #expect(replayBadInputs.count >= 15)
        #expect(Set(replayBadInputs.map(\.description)).count == replayBadInputs.count)
    }
}
