// ChromeTraceBenchmarks: what one trace event costs with TraceWriter (encoding, the lock, the
// clock and the writes to a real file), next to a baseline measured in the same run: Foundation's
// JSONEncoder encoding an equivalent Encodable struct per event (what Swift code reaches for
// first; it only encodes, it writes no file). Every scaled iteration is one event, so with
// `--scale` throughput reads as events/s and mallocs as mallocs per event.
//
//   swift package --package-path Benchmarks benchmark --target ChromeTraceBenchmarks --scale

import Benchmark
import ChromeTrace
import Foundation
import Synchronization

/// The writer under test, created in a benchmark's setup and closed in its teardown, writing
/// to a temporary file that is removed afterwards.
private let sharedWriter = Mutex<TraceWriter?>(nil)

private let tracePath = FileManager.default.temporaryDirectory
    .appendingPathComponent("chrome-trace-benchmark-\(getpid()).trace").path

private func openWriter() throws {
    let writer = try TraceWriter(path: tracePath)
    sharedWriter.withLock { $0 = writer }
}

private func closeWriter() throws {
    let writer = sharedWriter.withLock { writer in
        defer { writer = nil }
        return writer
    }
    try writer?.close()
    try? FileManager.default.removeItem(atPath: tracePath)
}

private func currentWriter() -> TraceWriter {
    guard let writer = sharedWriter.withLock({ $0 }) else {
        preconditionFailure("benchmark setup did not open the trace writer")
    }
    return writer
}

/// The baseline's event: the same fields, in the same order, as TraceWriter's instant.
private struct InstantEvent: Encodable {
    struct Arguments: Encodable {
        let replica: Int
        let reason: String
        let timestamp: String
    }

    let pid: Int
    let tid: Int
    let ts: Int64
    let ph: String
    let s: String
    let name: String
    let args: Arguments
}

/// The baseline's span event (`B` or `E`).
private struct SpanEvent: Encodable {
    struct Arguments: Encodable {
        let replica: Int
        let timestamp: String
    }

    let pid: Int
    let tid: Int
    let ts: Int64
    let ph: String
    let name: String
    let args: Arguments
}

/// Microseconds since `origin`, as the writer computes `ts`.
private func microseconds(since origin: ContinuousClock.Instant) -> Int64 {
    let (seconds, attoseconds) = (ContinuousClock.now - origin).components
    return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal, .instructions],
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 2_000
    )

    Benchmark(
        "instant, 2 small args: TraceWriter",
        closure: { benchmark in
            let writer = currentWriter()
            for _ in benchmark.scaledIterations {
                writer.instant("tick", pid: 6, args: ["replica": 2, "reason": "killed"])
            }
        },
        setup: openWriter,
        teardown: closeWriter
    )

    Benchmark("instant, 2 small args: JSONEncoder (baseline)") { benchmark in
        let encoder = JSONEncoder()
        let origin = ContinuousClock.now
        for _ in benchmark.scaledIterations {
            let event = InstantEvent(
                pid: 6,
                tid: 0,
                ts: microseconds(since: origin),
                ph: "i",
                s: "t",
                name: "tick",
                args: .init(replica: 2, reason: "killed", timestamp: "2026-11-23T15:15:30.123456Z")
            )
            blackHole(try encoder.encode(event))
        }
    }

    Benchmark(
        "span B or E, 1 small arg: TraceWriter",
        closure: { benchmark in
            let writer = currentWriter()
            for index in benchmark.scaledIterations {
                if index & 1 == 0 {
                    writer.beginSpan("terminated", pid: 2, args: ["replica": 2])
                } else {
                    writer.endSpan("terminated", pid: 2, args: ["replica": 2])
                }
            }
        },
        setup: openWriter,
        teardown: closeWriter
    )

    Benchmark("span B or E, 1 small arg: JSONEncoder (baseline)") { benchmark in
        let encoder = JSONEncoder()
        let origin = ContinuousClock.now
        for index in benchmark.scaledIterations {
            let event = SpanEvent(
                pid: 2,
                tid: 0,
                ts: microseconds(since: origin),
                ph: index & 1 == 0 ? "B" : "E",
                name: "terminated",
                args: .init(replica: 2, timestamp: "2026-11-23T15:15:30.123456Z")
            )
            blackHole(try encoder.encode(event))
        }
    }

    // Two tasks writing at once share the writer's mutex: 500 events each per sample.
    Benchmark(
        "instant, 2 small args, 2 tasks at once: TraceWriter",
        closure: { benchmark in
            let writer = currentWriter()
            let eventsPerTask = benchmark.scaledIterations.count / 2
            await withTaskGroup(of: Void.self) { group in
                for task in 0..<2 {
                    group.addTask {
                        for _ in 0..<eventsPerTask {
                            writer.instant(
                                "tick",
                                pid: 6,
                                tid: task,
                                args: ["replica": 2, "reason": "killed"]
                            )
                        }
                    }
                }
            }
        },
        setup: openWriter,
        teardown: closeWriter
    )

    // The harness's own cost per 1,000-iteration sample (its mallocs included), to subtract.
    Benchmark("empty loop (measurement floor)") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(index)
        }
    }

    Benchmark(
        "instant, no args: TraceWriter",
        closure: { benchmark in
            let writer = currentWriter()
            for _ in benchmark.scaledIterations {
                writer.instant("tick", pid: 6)
            }
        },
        setup: openWriter,
        teardown: closeWriter
    )
}
