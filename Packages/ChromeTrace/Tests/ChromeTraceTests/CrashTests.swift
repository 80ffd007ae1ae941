// A writer killed mid-run: the `chrome-trace-fixture` executable (our TraceWriter in a child
// process) writes events over many buffer flushes, leaves spans open, and is SIGKILLed. Its file
// must parse once `]` is appended, with every flushed event present, as Perfetto and
// chrome://tracing load such an unterminated array.

import ChromeTrace
import Foundation
import Testing

@Suite("Killed writer", .serialized)
struct CrashTests {
    @Test(
        "a SIGKILLed writer leaves a trace that parses once ] is appended",
        .timeLimit(.minutes(1))
    )
    func killedWriterLeavesLoadableTrace() throws {
        let fixture = productsDirectory().appendingPathComponent("chrome-trace-fixture")
        try #require(
            FileManager.default.isExecutableFile(atPath: fixture.path),
            "build the fixture first: swift build --package-path Packages/ChromeTrace"
        )
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("killed.trace")
        let instantCount = 2_000

        let process = Process()
        process.executableURL = fixture
        process.arguments = [path, String(instantCount)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        let ready = output.fileHandleForReading.readData(ofLength: 6)
        try #require(String(decoding: ready, as: UTF8.self) == "ready\n")
        #expect(kill(process.processIdentifier, SIGKILL) == 0)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGKILL)

        let text = try readText(path)
        #expect(!text.hasSuffix("]\n"), "a killed writer never closed the array")
        #expect(throws: (any Error).self) { try parseEvents(text) }
        let repaired = text + "]"
        let events = try parseEvents(repaired)
        #expect(events.count == 4 + instantCount)
        let phases = events.map { $0["ph"] as? String ?? "?" }
        #expect(phases.filter { $0 == "B" }.count == 2, "the open spans' begins are on disk")
        #expect(!phases.contains("E"), "nobody ended the spans")
        let indices = events.compactMap { ($0["args"] as? [String: Any])?["index"] as? Int }
        #expect(indices == Array(0..<instantCount))
        let notes = Set(events.compactMap { ($0["args"] as? [String: Any])?["note"] as? String })
        #expect(notes == ["q\"\\\n\u{e9}"])

        let repairedPath = directory.file("repaired.trace")
        try repaired.write(toFile: repairedPath, atomically: false, encoding: .utf8)
        try expectPythonParses(repairedPath)
    }

    @Test("a trace cut at any byte loads after the repair docs/trace.md gives")
    func cutAnywhere() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("cut.trace")
        let trace = try TraceWriter(path: path)
        trace.setProcessName("replica 0", pid: 0)
        for index in 0..<20 {
            trace.instant("tick", pid: 0, args: ["index": .int(index), "text": "a,\n}]"])
        }
        try trace.flush()
        let text = Array(try readText(path).utf8)
        let allEvents = try parseEvents(String(decoding: text, as: UTF8.self) + "]")
        var repairedCount = 0
        for cut in 2...text.count {
            let prefix = String(decoding: text[..<cut], as: UTF8.self)
            if (try? parseEvents(prefix + "]")) != nil {
                continue
            }
            // sed '$d' | sed '$ s/,$//', then append ']'.
            var lines = prefix.split(separator: "\n", omittingEmptySubsequences: false)
            lines.removeLast()
            if let last = lines.last, last.hasSuffix(",") {
                lines[lines.count - 1] = last.dropLast()
            }
            let repaired = lines.joined(separator: "\n") + "]"
            let events = try parseEvents(repaired)
            // Every event followed by a newline was complete; only the last one may be lost.
            let newlineCount = prefix.utf8.count { $0 == UInt8(ascii: "\n") }
            #expect(events.count >= newlineCount - 1, "cut at \(cut)")
            #expect(events.count <= allEvents.count)
            repairedCount += 1
        }
        #expect(repairedCount > 0, "some cuts need the repair")
        try trace.close()
    }
}
