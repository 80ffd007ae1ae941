// Many tasks writing to one TraceWriter at once: the file must be one valid JSON array holding
// every event exactly once, with each task's spans paired on its own track and timestamps in
// file order (they are taken under the writer's lock).

import Foundation
import Testing

@testable import ChromeTrace

@Suite("Concurrent writers")
struct ConcurrencyTests {
    @Test("8 tasks × 10,000 events produce a valid file with every event", .timeLimit(.minutes(2)))
    func manyTasks() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("concurrent.trace")
        let taskCount = 8
        let eventsPerTask = 10_000
        // A small buffer so that writes to the file interleave with the tasks' events.
        let trace = try TraceWriter(path: path, bufferCapacityBytes: 8 * 1_024)

        await withTaskGroup(of: Void.self) { group in
            for task in 0..<taskCount {
                group.addTask {
                    trace.setThreadName("task \(task)", pid: 7, tid: task)
                    for index in 0..<eventsPerTask {
                        switch index % 4 {
                        case 0:
                            trace.beginSpan("step", pid: 7, tid: task, args: ["index": .int(index)])
                        case 1:
                            trace.instant("tick", pid: 7, tid: task, args: ["index": .int(index)])
                        case 2:
                            trace.endSpan("step", pid: 7, tid: task, args: ["index": .int(index)])
                        default:
                            trace.complete(
                                "request",
                                pid: 7,
                                tid: task,
                                start: .now - .microseconds(5),
                                end: .now,
                                args: ["index": .int(index), "note": "é\"\n"]
                            )
                        }
                    }
                }
            }
        }
        #expect(trace.openSpanCount == 0)
        try trace.close()

        let text = try readText(path)
        let events = try parseEvents(text)
        #expect(events.count == taskCount * (eventsPerTask + 1))
        var indicesPerTask = [Int: [Int]]()
        var lastTimestamp = Int.min
        var timestampsInOrder = true
        for event in events where event["ph"] as? String != "M" {
            let task = try #require(event["tid"] as? Int)
            let index = try #require((event["args"] as? [String: Any])?["index"] as? Int)
            indicesPerTask[task, default: []].append(index)
            if event["ph"] as? String != "X" {
                let timestamp = try #require(event["ts"] as? Int)
                timestampsInOrder = timestampsInOrder && timestamp >= lastTimestamp
                lastTimestamp = timestamp
            }
        }
        #expect(timestampsInOrder)
        for task in 0..<taskCount {
            #expect(indicesPerTask[task] == Array(0..<eventsPerTask), "task \(task)")
        }
        try expectPythonParses(path)
    }
}
