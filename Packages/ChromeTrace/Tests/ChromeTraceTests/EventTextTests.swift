// The exact JSON text of every kind of event the writer emits, on a clock the test drives, and
// the file layout: `[`, one event per line, `]` only at close. The same traces must parse with
// Foundation and with Python, the two parsers Perfetto's JSON importer is checked against here.

import Foundation
import Testing

@testable import ChromeTrace

@Suite("Event text")
struct EventTextTests {
    @Test("each event kind is written as exact JSON text")
    func everyEventKind() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("vortex.trace")
        let clock = ManualClock()
        let trace = try makeTestWriter(path: path, clock: clock)

        trace.setProcessName("replica 0", pid: 0)
        trace.setProcessSortIndex(6, pid: 6)
        trace.setThreadName("connection 1", pid: 7, tid: 1)
        trace.setThreadSortIndex(1, pid: 7, tid: 1)
        clock.advance(by: .microseconds(1_500))
        trace.beginSpan("terminated", pid: 0, args: ["signal": "SIGKILL"])
        clock.advance(by: .milliseconds(2))
        trace.endSpan("terminated", pid: 0)
        trace.complete(
            "request",
            pid: 7,
            tid: 1,
            start: clock.base + .milliseconds(4),
            end: clock.base + .microseconds(4_250),
            args: ["operation": "put", "ok": true, "latency_ms": 0.25, "attempt": 1]
        )
        clock.advance(by: .milliseconds(3))
        trace.instant("test_failure", pid: 6, scope: .global, args: ["reason": "liveness"])
        trace.instant("tick", pid: 6, scope: .process)
        trace.instant("mark", pid: 6)
        trace.counter("throughput", pid: 7, values: ["requests": 120, "failed": 3.5])
        trace.flowStart("request", id: 42, pid: 7, tid: 1)
        clock.advance(by: .nanoseconds(999))
        trace.flowEnd("request", id: 42, pid: 1, tid: 0, category: "reply")
        trace.beginSpan("network_faults", pid: 8, args: ["delay_ms": 12, "jitter_ms": -3])
        clock.advance(by: .seconds(1))
        try trace.close()

        let expected = """
            [
            {"ph":"M","pid":0,"name":"process_name","args":{"name":"replica 0"}},
            {"ph":"M","pid":6,"name":"process_sort_index","args":{"sort_index":6}},
            {"ph":"M","pid":7,"tid":1,"name":"thread_name","args":{"name":"connection 1"}},
            {"ph":"M","pid":7,"tid":1,"name":"thread_sort_index","args":{"sort_index":1}},
            {"pid":0,"tid":0,"ts":1500,"ph":"B","name":"terminated","args":{"signal":"SIGKILL","timestamp":"2026-01-02T03:04:05.001506Z"}},
            {"pid":0,"tid":0,"ts":3500,"ph":"E","name":"terminated","args":{"end_timestamp":"2026-01-02T03:04:05.003506Z"}},
            {"pid":7,"tid":1,"ts":4000,"dur":250,"ph":"X","name":"request","args":{"operation":"put","ok":true,"latency_ms":0.25,"attempt":1,"timestamp":"2026-01-02T03:04:05.004006Z","end_timestamp":"2026-01-02T03:04:05.004256Z"}},
            {"pid":6,"tid":0,"ts":6500,"ph":"i","s":"g","name":"test_failure","args":{"reason":"liveness","timestamp":"2026-01-02T03:04:05.006506Z"}},
            {"pid":6,"tid":0,"ts":6500,"ph":"i","s":"p","name":"tick","args":{"timestamp":"2026-01-02T03:04:05.006506Z"}},
            {"pid":6,"tid":0,"ts":6500,"ph":"i","s":"t","name":"mark","args":{"timestamp":"2026-01-02T03:04:05.006506Z"}},
            {"pid":7,"tid":0,"ts":6500,"ph":"C","name":"throughput","args":{"requests":120.0,"failed":3.5}},
            {"pid":7,"tid":1,"ts":6500,"ph":"s","name":"request","id":42,"cat":"flow","args":{"timestamp":"2026-01-02T03:04:05.006506Z"}},
            {"pid":1,"tid":0,"ts":6500,"ph":"f","bp":"e","name":"request","id":42,"cat":"reply","args":{"timestamp":"2026-01-02T03:04:05.006506Z"}},
            {"pid":8,"tid":0,"ts":6500,"ph":"B","name":"network_faults","args":{"delay_ms":12,"jitter_ms":-3,"timestamp":"2026-01-02T03:04:05.006506Z"}},
            {"pid":8,"tid":0,"ts":1006500,"ph":"E","name":"network_faults","args":{"ended_at_close":true,"end_timestamp":"2026-01-02T03:04:06.006506Z"}}
            ]

            """
        #expect(try readText(path) == expected)
        #expect(try parseEvents(readText(path)).count == 15)
        try expectPythonParses(path)
    }

    @Test("an empty trace is an empty array, and the array stays open until close")
    func emptyTraceAndOpenArray() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("empty.trace")
        let trace = try makeTestWriter(path: path, clock: ManualClock())
        #expect(try readText(path) == "[\n")
        trace.setProcessName("supervisor", pid: 6)
        #expect(try readText(path) == "[\n", "events wait in the buffer until a flush")
        try trace.flush()
        let open = try readText(path)
        #expect(
            open
                == "[\n{\"ph\":\"M\",\"pid\":6,\"name\":\"process_name\",\"args\":{\"name\":\"supervisor\"}}"
        )
        #expect(try parseEvents(open + "]").count == 1)
        try trace.close()
        #expect(try parseEvents(readText(path)).count == 1)

        let emptyPath = directory.file("none.trace")
        try makeTestWriter(path: emptyPath, clock: ManualClock()).close()
        #expect(try readText(emptyPath) == "[\n]\n")
        #expect(try parseEvents(readText(emptyPath)).isEmpty)
        try expectPythonParses(emptyPath)
    }

    @Test("a zero flush interval puts every event on disk at once; events after close are ignored")
    func flushIntervalAndEventsAfterClose() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("eager.trace")
        let trace = try TraceWriter(path: path, flushInterval: .zero)
        trace.instant("first", pid: 1)
        #expect(try parseEvents(readText(path) + "]").count == 1)
        trace.instant("second", pid: 1)
        #expect(try parseEvents(readText(path) + "]").count == 2)
        try trace.close()
        let closed = try readText(path)
        trace.instant("late", pid: 1)
        #expect(try readText(path) == closed)
        #expect(try parseEvents(closed).map { $0["name"] as? String } == ["first", "second"])
    }

    @Test("a full buffer is written out without a flush")
    func bufferWritesOutWhenFull() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("small-buffer.trace")
        let trace = try TraceWriter(
            path: path,
            bufferCapacityBytes: 1_024,
            flushInterval: .seconds(3_600)
        )
        for index in 0..<100 {
            trace.instant("tick", pid: 6, args: ["index": .int(index)])
        }
        let onDisk = try parseEvents(readText(path) + "]")
        #expect(onDisk.count >= 90, "at most one buffer (about 10 events) is still in memory")
        #expect(onDisk.count < 100)
        try trace.close()
        #expect(try parseEvents(readText(path)).count == 100)
    }

    @Test("non-finite doubles become null, integers keep their full range")
    func numbers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("numbers.trace")
        let trace = try makeTestWriter(path: path, clock: ManualClock())
        trace.instant(
            "numbers",
            pid: 0,
            args: [
                "max": .int(Int.max), "min": .int(Int.min), "zero": 0, "nan": .double(.nan),
                "inf": .double(-.infinity), "tiny": 1e-5, "big": 1.5e300, "flag": false,
            ]
        )
        try trace.close()
        let text = try readText(path)
        #expect(
            text.contains(
                #"{"max":9223372036854775807,"min":-9223372036854775808,"zero":0,"nan":null,"inf":null,"tiny":1e-05,"big":1.5e+300,"flag":false,"#
            )
        )
        let args = try #require(try parseEvents(text).first?["args"] as? [String: Any])
        #expect(args["tiny"] as? Double == 1e-5)
        #expect(args["big"] as? Double == 1.5e300)
        try expectPythonParses(path)
    }
}
