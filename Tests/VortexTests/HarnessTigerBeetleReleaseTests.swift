// Tests of the TigerBeetle release check: `tigerbeetle version` outputs of releases and
// development builds parse to the right release and create-operation choice (sparse before
// 0.17.0), anything else is a one-line configuration error, and validating a `tigerbeetle` run
// asks the binary itself (fake binaries: shell scripts that print a version line).

import Foundation
import Testing
import VortexHarness

@Suite struct HarnessTigerBeetleReleaseTests {
    struct VersionCase: Sendable, CustomStringConvertible {
        let output: String
        let release: TigerBeetleRelease
        let sparse: Bool
        var description: String { output.debugDescription }
    }

    static let versionCases: [VersionCase] = [
        .init(output: "TigerBeetle version 0.16.30\n", release: .init(0, 16, 30), sparse: true),
        .init(output: "TigerBeetle version 0.15.3\n", release: .init(0, 15, 3), sparse: true),
        .init(
            output: "TigerBeetle version 0.16.99+0a1b2c3",
            release: .init(0, 16, 99),
            sparse: true
        ),
        .init(output: "TigerBeetle version 0.17.0\n", release: .init(0, 17, 0), sparse: false),
        .init(output: "TigerBeetle version 0.17.1\n", release: .init(0, 17, 1), sparse: false),
        .init(output: "TigerBeetle version 1.0.0\n", release: .init(1, 0, 0), sparse: false),
        // A development build: release 65535.0.0, the newest.
        .init(
            output: "TigerBeetle version 65535.0.0+52ad553\n",
            release: .init(65_535, 0, 0),
            sparse: false
        ),
        // `version --verbose`: the version line, then the configuration.
        .init(
            output: "TigerBeetle version 0.16.30\n\nbuild.mode=builtin.OptimizeMode.ReleaseSafe\n"
                + "build.zig_version=0.14.1\n\ncluster.cache_line_size=64\n",
            release: .init(0, 16, 30),
            sparse: true
        ),
        // A log line before it and surrounding blanks do not hide it.
        .init(
            output: "warning: something\n  TigerBeetle version 0.16.30  \r\n",
            release: .init(0, 16, 30),
            sparse: true
        ),
    ]

    @Test(arguments: versionCases)
    func versionOutputGivesTheRelease(_ versionCase: VersionCase) throws {
        let release = try TigerBeetleRelease(
            versionOutput: versionCase.output,
            executable: "/tb/tigerbeetle"
        )
        #expect(release == versionCase.release)
        #expect(release.takesSparseCreates == versionCase.sparse)
    }

    static let garbageOutputs = [
        "",
        "\n\n",
        "tigerbeetle: command not found\n",
        "TigerBeetle version\n",
        "TigerBeetle version experimental\n",
        "TigerBeetle version 0.16\n",
        "TigerBeetle version 0.16.30.1\n",
        "TigerBeetle version 0.16.x\n",
        "TigerBeetle version v0.16.30\n",
        "TigerBeetle version 0.16.30 (release)\n",
        "TigerBeetle version 0.16.30+\n",
        "TigerBeetle version 4294967296.0.0\n",
        "tigerbeetle version 0.16.30\n",
        "Version: 0.16.30\n",
    ]

    @Test(arguments: garbageOutputs)
    func otherOutputIsAOneLineError(_ output: String) {
        #expect {
            _ = try TigerBeetleRelease(versionOutput: output, executable: "/tb/tigerbeetle")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            #expect(error.message.contains("'/tb/tigerbeetle version' printed"), "\(error)")
            #expect(error.message.contains("TigerBeetle version X.Y.Z"), "\(error)")
            #expect(!error.message.contains("\n"))
            return true
        }
    }

    @Test func releasesOrderByMajorMinorPatch() {
        #expect(TigerBeetleRelease(0, 16, 30) < TigerBeetleRelease(0, 17, 0))
        #expect(TigerBeetleRelease(0, 9, 99) < TigerBeetleRelease(0, 10, 0))
        #expect(TigerBeetleRelease(0, 17, 0) < TigerBeetleRelease(65_535, 0, 0))
        #expect(!(TigerBeetleRelease(0, 17, 0) < TigerBeetleRelease(0, 17, 0)))
        #expect(TigerBeetleRelease(0, 16, 30).description == "0.16.30")
        #expect(TigerBeetleRelease.firstWithDenseCreates == TigerBeetleRelease(0, 17, 0))
    }

    @Test func queryReadsTheBinarysAnswer() throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        let binary = try fakeTigerBeetle(scratch, printing: "TigerBeetle version 0.16.30")
        let release = try TigerBeetleVersionQuery.release(of: binary)
        #expect(release == TigerBeetleRelease(0, 16, 30))
    }

    @Test func queryPassesTheVersionCommand() throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        let binary = try scratch.write(
            "tigerbeetle",
            "#!/bin/sh\n[ \"$*\" = version ] || exit 9\necho 'TigerBeetle version 0.17.2'\n",
            executable: true
        )
        #expect(try TigerBeetleVersionQuery.release(of: binary) == TigerBeetleRelease(0, 17, 2))
    }

    @Test func failingBinaryIsAOneLineError() throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        let binary = try scratch.write(
            "tigerbeetle",
            "#!/bin/sh\necho 'TigerBeetle version 0.16.30'\nexit 3\n",
            executable: true
        )
        #expect {
            _ = try TigerBeetleVersionQuery.release(of: binary)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            #expect(error.message.contains("version' failed"), "\(error)")
            return true
        }
    }

    @Test func hangingBinaryTimesOut() throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        let binary = try scratch.write(
            "tigerbeetle",
            "#!/bin/sh\nexec sleep 30\n",
            executable: true
        )
        let started = ContinuousClock.now
        #expect {
            _ = try TigerBeetleVersionQuery.release(of: binary, timeout: .milliseconds(300))
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            #expect(error.message.contains("did not finish within"), "\(error)")
            return true
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func garbageBinaryIsAOneLineError() throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        let binary = try fakeTigerBeetle(scratch, printing: "hello")
        #expect {
            _ = try TigerBeetleVersionQuery.release(of: binary)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            #expect(error.message.contains("printed 'hello'"), "\(error)")
            return true
        }
    }

    @Test(arguments: [
        ("TigerBeetle version 0.16.30", true),
        ("TigerBeetle version 65535.0.0+52ad553", false),
    ])
    func validationChoosesTheCreatesOfTheBinarysRelease(line: String, sparse: Bool) throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        var options = RunOptions()
        options.target = "tigerbeetle"
        options.tigerbeetleExecutable = try fakeTigerBeetle(scratch, printing: line)
        options.driverCommand = "/bin/cat"
        options.output = "\(scratch.path)/out"
        let configuration = try RunConfiguration.validate(
            options,
            environment: scratch.environment()
        )
        #expect(configuration.sparseCreates == sparse)
    }

    @Test func validationOfOtherTargetsKeepsDenseCreates() throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        var options = RunOptions()
        options.target = try scratch.write("custom.toml", validTargetFileText)
        options.output = "\(scratch.path)/out"
        let configuration = try RunConfiguration.validate(
            options,
            environment: scratch.environment()
        )
        #expect(!configuration.sparseCreates)
    }

    private func fakeTigerBeetle(_ scratch: HarnessScratch, printing line: String) throws -> String
    {
        try scratch.write("tigerbeetle", "#!/bin/sh\necho '\(line)'\n", executable: true)
    }
}

extension TigerBeetleRelease {
    fileprivate init(_ major: UInt32, _ minor: UInt32, _ patch: UInt32) {
        self.init(major: major, minor: minor, patch: patch)
    }
}
