// Operating errors: a trace file that cannot be created is one clear thrown line; a file that
// cannot be written (/dev/full, the kernel's always-full device) is reported by flush() and
// close() while event calls go on without throwing.

import Foundation
import Testing

@testable import ChromeTrace

@Suite("Errors")
struct ErrorTests {
    @Test("a trace in a missing directory fails with one clear line")
    func missingDirectory() throws {
        let path = "/nonexistent-\(UUID().uuidString)/vortex.trace"
        let error = try #require(throws: TraceWriterError.self) {
            try TraceWriter(path: path)
        }
        #expect(error.operation == .create)
        #expect(error.errnoCode == ENOENT)
        #expect(error.path == path)
        #expect(error.description.hasPrefix("cannot create trace file '\(path)': "))
        #expect(!error.description.contains("\n"))
    }

    @Test("write errors are reported by flush and close, not by event calls")
    func fullDevice() throws {
        try #require(FileManager.default.fileExists(atPath: "/dev/full"))
        let trace = try TraceWriter(path: "/dev/full")
        trace.instant("lost", pid: 0)
        let flushError = try #require(throws: TraceWriterError.self) { try trace.flush() }
        #expect(flushError.operation == .write)
        #expect(flushError.errnoCode == ENOSPC)
        trace.beginSpan("still accepted", pid: 0)
        let closeError = try #require(throws: TraceWriterError.self) { try trace.close() }
        #expect(closeError == flushError, "the first error of the writer's life")
    }
}
