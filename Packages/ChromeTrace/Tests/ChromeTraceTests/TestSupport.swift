// Shared pieces of the ChromeTrace tests: temporary trace files, a clock the test advances so
// that timestamps in the expected JSON are exact, and the two independent JSON parsers every
// trace is checked with (Foundation's JSONSerialization and Python's json module).

import Foundation
import Synchronization
import Testing

@testable import ChromeTrace

/// A clock that moves only when the test says so.
final class ManualClock: Sendable {
    let base = ContinuousClock.now
    private let offset = Mutex<Duration>(.zero)

    func advance(by duration: Duration) {
        offset.withLock { $0 += duration }
    }

    func now() -> ContinuousClock.Instant {
        base + offset.withLock { $0 }
    }
}

/// 2026-01-02T03:04:05.000006Z in nanoseconds since the epoch: the wall-clock time at which
/// test writers start.
let testOriginWallNanoseconds: Int64 = 1_767_323_045_000_006_000

/// A writer on `clock` that writes only when flushed or closed.
func makeTestWriter(path: String, clock: ManualClock) throws -> TraceWriter {
    try TraceWriter(
        path: path,
        bufferCapacityBytes: 64 * 1_024,
        flushInterval: .seconds(3_600),
        originWallNanoseconds: testOriginWallNanoseconds,
        clockNow: { clock.now() }
    )
}

/// A fresh directory for one test's files, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("chrome-trace-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    func file(_ name: String) -> String {
        path + "/" + name
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

func readText(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
}

/// Parses a whole trace with Foundation and returns its events.
func parseEvents(_ text: String) throws -> [[String: Any]] {
    let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
    let events = try #require(parsed as? [[String: Any]], "a trace is an array of objects")
    return events
}

/// The result of running a program to completion.
struct ProgramResult {
    let status: Int32
    let output: String
    let errorOutput: String
}

/// Runs `arguments` through `/usr/bin/env` with `input` on stdin and waits for it.
func runProgram(_ arguments: [String], input: String = "") throws -> ProgramResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let stdinPipe = Pipe()
    let stdoutPipe = Pipe()
    let stderrPipe = Pipe()
    process.standardInput = stdinPipe
    process.standardOutput = stdoutPipe
    process.standardError = stderrPipe
    try process.run()
    // Read both outputs while writing stdin so that no pipe fills up and blocks the child.
    let output = Mutex(Data())
    let errorOutput = Mutex(Data())
    let readers = DispatchGroup()
    DispatchQueue.global().async(group: readers) {
        let data = stdoutPipe.fileHandleForReading.readDataToEndOfFile()
        output.withLock { $0 = data }
    }
    DispatchQueue.global().async(group: readers) {
        let data = stderrPipe.fileHandleForReading.readDataToEndOfFile()
        errorOutput.withLock { $0 = data }
    }
    try stdinPipe.fileHandleForWriting.write(contentsOf: Data(input.utf8))
    try stdinPipe.fileHandleForWriting.close()
    readers.wait()
    process.waitUntilExit()
    return ProgramResult(
        status: process.terminationStatus,
        output: String(decoding: output.withLock { $0 }, as: UTF8.self),
        errorOutput: String(decoding: errorOutput.withLock { $0 }, as: UTF8.self)
    )
}

/// Checks `path` with `python3 -m json.tool`, a parser independent of Foundation's.
func expectPythonParses(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let result = try runProgram(["python3", "-m", "json.tool", path])
    #expect(
        result.status == 0,
        "python3 -m json.tool rejected \(path): \(result.errorOutput)",
        sourceLocation: sourceLocation
    )
}

/// The directory of the running test binary, where SwiftPM also puts the package's executables.
func productsDirectory() -> URL {
    #if os(Linux)
    return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent()
    #else
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    return Bundle.main.bundleURL
    #endif
}
