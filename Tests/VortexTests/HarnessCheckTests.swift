// `vortex check` as a user runs it on files of each format: the format is read off the file
// unless --format names it, and a file of no format, or of another one than named, is one line
// on stderr and exit 2.

import Foundation
import Testing

@Suite(.ownThread) struct HarnessCheckTests {
    /// Two writes that finish before a read that sees neither: not linearizable.
    static let staleJepsenLog = """
        INFO  jepsen.core - a line of log noise before the history
        INFO  jepsen.util - 0\t:invoke\t:write\t1
        INFO  jepsen.util - 0\t:ok\t:write\t1
        INFO  jepsen.util - 1\t:invoke\t:write\t2
        INFO  jepsen.util - 1\t:ok\t:write\t2
        INFO  jepsen.util - 2\t:invoke\t:read\tnil
        INFO  jepsen.util - 2\t:ok\t:read\t1

        """

    /// Writes `text` to a new temporary file named `name` and returns its path.
    static func file(_ name: String, _ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("vortex-test-check-\(UUID().uuidString)-\(name)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aJepsenLogIsCheckedWithoutNamingItsFormat() throws {
        let path = try Self.file("stale.log", Self.staleJepsenLog)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let detected = try HarnessCLI.run(["check", path])
        #expect(detected.status == 13, "\(detected.standardOutput)\(detected.standardError)")
        #expect(detected.standardOutput.contains("key 0: not linearizable"))
        let named = try HarnessCLI.run(["check", path, "--format", "jepsen"])
        #expect(named.status == 13, "\(named.standardError)")
    }

    @Test func anEDNHistoryIsCheckedWithoutNamingItsFormat() throws {
        let edn = Self.staleJepsenLog.split(separator: "\n").compactMap { line -> String? in
            guard let marker = line.firstRange(of: "jepsen.util - ") else { return nil }
            let fields = line[marker.upperBound...].split(separator: "\t")
            return "{:process \(fields[0]) :type \(fields[1]) :f \(fields[2]) :value \(fields[3])}"
        }
        let path = try Self.file("history.edn", "[" + edn.joined(separator: "\n") + "]\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try HarnessCLI.run(["check", path])
        #expect(outcome.status == 13, "\(outcome.standardOutput)\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("key 0: not linearizable"))
    }

    @Test func aFileOfNeitherFormatIsAUsageError() throws {
        let path = try Self.file("history.csv", "process,type,f,value\n0,invoke,read,\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try HarnessCLI.run(["check", path])
        #expect(outcome.status == 2)
        let lines = outcome.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("give --format"))
    }

    @Test func theWrongFormatNamedIsAUsageErrorAtItsFirstLine() throws {
        let path = try Self.file("stale.log", Self.staleJepsenLog)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try HarnessCLI.run(["check", path, "--format", "vortex"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("\(path):1:"), "\(outcome.standardError)")
        let unknown = try HarnessCLI.run(["check", path, "--format", "csv"])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("--format must be auto, vortex, jepsen or edn"))
    }

    @Test func severalFilesAreEachCheckedAndTheWorstDecidesTheExitCode() throws {
        let stale = try Self.file("stale.log", Self.staleJepsenLog)
        let fine = try Self.file(
            "fine.edn",
            "{:process 0 :type :invoke :f :write :value 1}\n{:process 0 :type :ok :f :write :value 1}\n"
        )
        let missing = stale + ".missing"
        defer {
            try? FileManager.default.removeItem(atPath: stale)
            try? FileManager.default.removeItem(atPath: fine)
        }
        let all = try HarnessCLI.run(["check", fine, missing, stale])
        #expect(all.status == 2, "a file that cannot be read is bad input")
        #expect(all.standardOutput.contains("\(fine): linearizable"))
        #expect(
            all.standardOutput.contains("\(stale): not linearizable"),
            "checked after the bad one"
        )
        #expect(
            all.standardOutput.contains(
                "3 histories: 1 linearizable, 1 not linearizable, 0 undecided, 1 unreadable"
            )
        )
        #expect(all.standardError == "vortex: \(missing): no such file\n")
        let readable = try HarnessCLI.run(["check", fine, stale])
        #expect(readable.status == 13)
        let visual = try HarnessCLI.run(["check", fine, stale, "--visual", fine + ".html"])
        #expect(visual.status == 2)
        #expect(visual.standardError.contains("--visual draws one history"))
        #expect(!FileManager.default.fileExists(atPath: fine + ".html"))
    }
}
