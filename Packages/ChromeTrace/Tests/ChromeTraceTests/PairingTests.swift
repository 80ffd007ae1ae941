// Begin/end pairing: spans nest per (pid, tid) track, spans still open at close are ended there
// innermost first, and ending a span that is not the innermost open one traps in debug builds
// (checked in a child process with an exit test).

import Foundation
import Testing

@testable import ChromeTrace

@Suite("Span pairing")
struct PairingTests {
    @Test("spans open at close are ended at close, innermost first, tracks in order")
    func openSpansEndedAtClose() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("pairing.trace")
        let clock = ManualClock()
        let trace = try makeTestWriter(path: path, clock: clock)
        trace.beginSpan("terminated", pid: 2)
        trace.beginSpan("outer", pid: 1, tid: 3)
        trace.beginSpan("inner", pid: 1, tid: 3)
        trace.beginSpan("closed", pid: 1, tid: 3)
        trace.endSpan("closed", pid: 1, tid: 3)
        trace.beginSpan("stopped", pid: 0)
        #expect(trace.openSpanCount == 4)
        clock.advance(by: .milliseconds(7))
        try trace.close()

        let events = try parseEvents(readText(path))
        let ends = events.filter { $0["ph"] as? String == "E" }
        let endedAtClose = ends.filter {
            ($0["args"] as? [String: Any])?["ended_at_close"] as? Bool == true
        }
        #expect(
            endedAtClose.map { "\($0["pid"] ?? "")/\($0["tid"] ?? "") \($0["name"] ?? "")" } == [
                "0/0 stopped", "1/3 inner", "1/3 outer", "2/0 terminated",
            ]
        )
        #expect(endedAtClose.allSatisfy { $0["ts"] as? Int == 7_000 })
        #expect(ends.count == 5)
    }

    @Test("span names may repeat on other tracks and after they end")
    func reuseOfNames() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let trace = try makeTestWriter(path: directory.file("reuse.trace"), clock: ManualClock())
        for replica in 0..<6 {
            trace.beginSpan("terminated", pid: replica)
        }
        for replica in 0..<6 {
            trace.endSpan("terminated", pid: replica)
            trace.beginSpan("terminated", pid: replica)
            trace.endSpan("terminated", pid: replica)
        }
        #expect(trace.openSpanCount == 0)
        try trace.close()
        let events = try parseEvents(readText(directory.file("reuse.trace")))
        #expect(events.count == 24)
    }

    @Test("a writer released without close ends its spans and closes the array")
    func releasedWithoutClose() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("released.trace")
        do {
            let trace = try makeTestWriter(path: path, clock: ManualClock())
            trace.beginSpan("stopped", pid: 3)
        }
        let events = try parseEvents(readText(path))
        #expect(events.map { $0["ph"] as? String } == ["B", "E"])
        #expect(try readText(path).hasSuffix("\n]\n"))
    }

    @Test("more open spans than the bound traps", .timeLimit(.minutes(1)))
    func openSpanBound() async {
        await #expect(processExitsWith: .failure) {
            let trace = try TraceWriter(path: "/dev/null")
            for index in 0...65_536 {
                trace.beginSpan("leaked", pid: 0, tid: index % 8)
            }
        }
    }

    #if DEBUG
    @Test("ending a span that was never begun traps in debug builds")
    func endingUnopenedSpanTraps() async {
        await #expect(processExitsWith: .failure) {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("chrome-trace-unopened-\(getpid()).trace").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let trace = try TraceWriter(path: path)
            trace.endSpan("terminated", pid: 0)
        }
    }

    @Test("ending a span that is not the innermost one traps in debug builds")
    func endingOuterSpanFirstTraps() async {
        await #expect(processExitsWith: .failure) {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("chrome-trace-outer-\(getpid()).trace").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let trace = try TraceWriter(path: path)
            trace.beginSpan("outer", pid: 0)
            trace.beginSpan("inner", pid: 0)
            trace.endSpan("outer", pid: 0)
        }
    }
    #endif
}
