// The bad-input catalogue of `vortex run`: each wrong flag, target file, missing executable or
// unusable output location gives exactly one line naming what is wrong (exit 2 in the CLI), and
// validation creates nothing.

import Foundation
import Testing
import VortexHarness

/// One wrong input: how to make it and a fragment the error line must contain.
struct HarnessBadInput: Sendable, CustomStringConvertible {
    let description: String
    let fragment: String
    let make: @Sendable (inout RunOptions, inout RunEnvironment, HarnessScratch) throws -> Void

    init(
        _ description: String,
        _ fragment: String,
        _ make:
            @escaping @Sendable (inout RunOptions, inout RunEnvironment, HarnessScratch) throws
            -> Void
    ) {
        self.description = description
        self.fragment = fragment
        self.make = make
    }
}

/// A valid custom target file; the bad-input rows (here and in ReliabilityBadInputTests) each
/// break one thing in it.
let validTargetFileText = """
    name = "custom"
    ports = ["peer", "client"]
    proxied-ports = ["peer"]
    [replica]
    start = ["/bin/sleep", "{port.peer}"]
    [driver]
    command = "/bin/cat"
    addresses-port = "client"
    """

private func targetFile(
    _ scratch: HarnessScratch,
    _ name: String,
    _ text: String
) throws -> String {
    try scratch.write(name, text)
}

let harnessBadInputs: [HarnessBadInput] = [
    .init("replica count 0", "--replica-count '0' is out of range") { o, _, _ in
        o.replicaCount = "0"
    },
    .init("replica count 7", "--replica-count '7' is out of range") { o, _, _ in
        o.replicaCount = "7"
    },
    .init("replica count text", "--replica-count 'three'") { o, _, _ in o.replicaCount = "three" },
    .init("duration zero", "--test-duration '0s' is zero") { o, _, _ in o.testDuration = "0s" },
    .init("duration without unit", "needs a unit") { o, _, _ in o.testDuration = "10" },
    .init("duration empty", "--test-duration is empty") { o, _, _ in o.testDuration = "" },
    .init("duration too long", "under 1000d") { o, _, _ in o.testDuration = "1000d" },
    .init("liveness window zero", "--liveness-window '0ms' is zero") { o, _, _ in
        o.livenessWindow = "0ms"
    },
    .init("seed negative", "--seed '-1'") { o, _, _ in o.seed = "-1" },
    .init("seed text", "--seed 'abc'") { o, _, _ in o.seed = "abc" },
    .init("seed overflow", "--seed '18446744073709551616'") { o, _, _ in
        o.seed = "18446744073709551616"
    },
    .init("faults unknown", "--faults 'tc' is not a fault backend") { o, _, _ in o.faults = "tc" },
    .init("fault weight unknown", "unknown fault 'kill'") { o, _, _ in o.faultWeights = ["kill=3"]
    },
    .init("fault weight syntax", "needs the form NAME=WEIGHT") { o, _, _ in
        o.faultWeights = ["terminate"]
    },
    .init("fault weight negative", "whole number from 0") { o, _, _ in
        o.faultWeights = ["terminate=-1"]
    },
    .init("fault weight too big", "whole number from 0") { o, _, _ in
        o.faultWeights = ["terminate=99999999"]
    },
    .init("fault weight twice", "names 'pause' twice") { o, _, _ in
        o.faultWeights = ["pause=1", "pause=2"]
    },
    .init("loss with proxy", "loss needs --faults netem") { o, _, _ in o.faultWeights = ["loss=2"]
    },
    .init("network fault without backend", "delay needs a network backend") { o, _, _ in
        o.faults = "none"
        o.faultWeights = ["delay=2"]
    },
    .init("corruption without corruptible ports", "has no corruptible ports") { o, _, _ in
        o.faultWeights = ["corrupt=2"]
    },
    .init("target corruptible port not proxied", "corruptible port 'client'") { o, _, s in
        o.target = try targetFile(
            s,
            "t.toml",
            "corruptible-ports = [\"client\"]\n" + validTargetFileText
        )
    },
    .init("all weights zero", "every fault weight is 0") { o, _, _ in
        o.faults = "none"
        o.faultWeights = ["none=0"]
    },
    .init("target unknown", "is not etcd, tigerbeetle or a target file") { o, _, _ in
        o.target = "etcdd"
    },
    .init("target file missing", "does not exist") { o, _, s in o.target = s.path + "/none.toml" },
    .init("target file is a directory", "is a directory") { o, _, s in
        try FileManager.default.createDirectory(
            atPath: s.path + "/dir.yaml",
            withIntermediateDirectories: true
        )
        o.target = s.path + "/dir.yaml"
    },
    .init("target file not UTF-8", "is not UTF-8") { o, _, s in
        let file = s.path + "/binary.toml"
        _ = FileManager.default.createFile(atPath: file, contents: Data([0xff, 0xfe, 0x00, 0xc3]))
        o.target = file
    },
    .init("target file bad TOML", "is not valid TOML (line 1") { o, _, s in
        o.target = try targetFile(s, "bad.toml", "name = = \"x\"\n")
    },
    .init("target file bad YAML", "is not valid YAML") { o, _, s in
        o.target = try targetFile(s, "bad.yaml", "name: [unclosed\nports: {\n")
    },
    .init("target file empty YAML", "is empty") { o, _, s in
        o.target = try targetFile(s, "empty.yaml", "")
    },
    .init("target file not a table", "must hold a table") { o, _, s in
        o.target = try targetFile(s, "list.yaml", "- a\n- b\n")
    },
    .init("target missing name", "missing field 'name'") { o, _, s in
        o.target = try targetFile(
            s,
            "t.toml",
            validTargetFileText.replacingOccurrences(of: "name = \"custom\"\n", with: "")
        )
    },
    .init("target missing start", "missing field 'replica.start'") { o, _, s in
        o.target = try targetFile(
            s,
            "t.toml",
            validTargetFileText.replacingOccurrences(
                of: "start = [\"/bin/sleep\", \"{port.peer}\"]\n",
                with: ""
            )
        )
    },
    .init("target unknown placeholder", "unknown placeholder {prot.peer}") { o, _, s in
        o.target = try targetFile(
            s,
            "t.toml",
            validTargetFileText.replacingOccurrences(of: "{port.peer}", with: "{prot.peer}")
        )
    },
    .init("target unknown port in placeholder", "unknown placeholder {port.raft}") { o, _, s in
        o.target = try targetFile(
            s,
            "t.toml",
            validTargetFileText.replacingOccurrences(of: "{port.peer}", with: "{port.raft}")
        )
    },
    .init("target unclosed brace", "unclosed '{'") { o, _, s in
        o.target = try targetFile(
            s,
            "t.toml",
            validTargetFileText.replacingOccurrences(of: "{port.peer}", with: "{port.peer")
        )
    },
    .init("target proxied ports empty", "proxied-ports is empty") { o, _, s in
        o.target = try targetFile(
            s,
            "t.toml",
            validTargetFileText.replacingOccurrences(of: "[\"peer\"]", with: "[]")
        )
    },
    .init("target proxied port undeclared", "proxied port 'raft'") { o, _, s in
        o.target = try targetFile(
            s,
            "t.toml",
            validTargetFileText.replacingOccurrences(
                of: "proxied-ports = [\"peer\"]",
                with: "proxied-ports = [\"raft\"]"
            )
        )
    },
    .init("target unknown field", "unknown field 'replicas'") { o, _, s in
        o.target = try targetFile(s, "t.toml", "replicas = 3\n" + validTargetFileText)
    },
    .init("target wrong type", "'ports' must be a list of strings, found a string") { o, _, s in
        o.target = try targetFile(
            s,
            "t.toml",
            validTargetFileText.replacingOccurrences(
                of: "ports = [\"peer\", \"client\"]",
                with: "ports = \"peer\""
            )
        )
    },
    .init("target bad startup grace", "startup-grace '5' needs a unit") { o, _, s in
        o.target = try targetFile(s, "t.toml", "startup-grace = \"5\"\n" + validTargetFileText)
    },
    .init("target events out of range", "max-events-per-request 9000") { o, _, s in
        o.target = try targetFile(
            s,
            "t.toml",
            "max-events-per-request = 9000\n" + validTargetFileText
        )
    },
    .init("target driver per-replica placeholder", "driver.command uses {replica}") { o, _, s in
        o.target = try targetFile(
            s,
            "t.toml",
            validTargetFileText.replacingOccurrences(
                of: "command = \"/bin/cat\"",
                with: "command = \"/bin/cat {replica}\""
            )
        )
    },
    .init(
        "target replica executable missing",
        "/no/such/server (for the custom replicas) not found"
    ) { o, _, s in
        o.target = try targetFile(
            s,
            "t.toml",
            validTargetFileText.replacingOccurrences(of: "/bin/sleep", with: "/no/such/server")
        )
    },
    .init("tigerbeetle without executable", "needs --tigerbeetle-executable") { o, _, _ in
        o.target = "tigerbeetle"
        o.driverCommand = "/bin/cat"
    },
    .init("tigerbeetle executable for etcd", "--tigerbeetle-executable is not used by target etcd")
    { o, _, _ in
        o.tigerbeetleExecutable = "/bin/true"
    },
    .init("tigerbeetle without driver", "needs --driver-command") { o, _, _ in
        o.target = "tigerbeetle"
        o.tigerbeetleExecutable = "/bin/true"
    },
    .init(
        "tigerbeetle executable missing",
        "/no/tigerbeetle (for --tigerbeetle-executable) not found"
    ) { o, _, _ in
        o.target = "tigerbeetle"
        o.tigerbeetleExecutable = "/no/tigerbeetle"
        o.driverCommand = "/bin/cat"
    },
    .init("driver command not found", "no-such-driver (for the driver) not found in PATH") {
        o,
        _,
        _ in
        o.driverCommand = "no-such-driver --flag"
    },
    .init("driver command not executable", "is not an executable file") { o, _, s in
        o.driverCommand = try s.write("driver.sh", "#!/bin/sh\n")
    },
    .init("driver command with quotes", "must not contain quotes") { o, _, _ in
        o.driverCommand = "/bin/sh -c \"x\""
    },
    .init("driver command empty", "--driver-command is an empty command") { o, _, _ in
        o.driverCommand = "   "
    },
    .init(
        "etcd not installed",
        "etcd (for the etcd replicas) not found in PATH; install etcd-server"
    ) { _, e, s in
        e.searchPath = s.path + "/bin"
    },
    .init("etcd driver missing", "vortex-driver-etcd (for the driver) not found") { _, e, s in
        e.vortexDirectory = s.path + "/empty"
    },
    .init("output not empty", "exists and is not empty") { o, _, s in
        try s.write("full/file", "x")
        o.output = s.path + "/full"
    },
    .init("output is a file", "is a file; name a new or empty directory") { o, _, s in
        o.output = try s.write("plain", "x")
    },
    .init("output under a file", "cannot be created") { o, _, s in
        o.output = try s.write("plain", "x") + "/sub/dir"
    },
    .init("output empty string", "--output is empty") { o, _, _ in o.output = "" },
    .init("log is a directory", "--log") { o, _, s in o.log = s.path },
    .init("log directory missing", "does not exist; create it") { o, _, s in
        o.log = s.path + "/missing/run.log"
    },
]

@Suite struct HarnessBadInputTests {
    @Test(arguments: harnessBadInputs)
    func wrongInputGivesOneLine(input: HarnessBadInput) throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        var options = RunOptions()
        var environment = try scratch.environment()
        try input.make(&options, &environment, scratch)
        let before = try FileManager.default.subpathsOfDirectory(atPath: scratch.path).sorted()
        #expect {
            _ = try RunConfiguration.validate(options, environment: environment)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            #expect(error.message.contains(input.fragment), "\(error.message)")
            #expect(!error.message.contains("\n"))
            return true
        }
        let after = try FileManager.default.subpathsOfDirectory(atPath: scratch.path).sorted()
        #expect(before == after, "validation must create nothing")
    }

    @Test func catalogueIsLargeAndDistinct() {
        #expect(harnessBadInputs.count >= 30)
        #expect(Set(harnessBadInputs.map(\.description)).count == harnessBadInputs.count)
    }
}
