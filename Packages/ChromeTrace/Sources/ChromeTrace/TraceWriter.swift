// TraceWriter streams a run's events to a Chrome Trace Event JSON file (the "JSON Array Format")
// that Perfetto (ui.perfetto.dev) and chrome://tracing open: one process track per replica plus
// supervisor, workload and network, spans for terminated/paused replicas and network faults, a
// complete event per request. Events reach the file through a bounded buffer as they happen;
// the array stays open until `close()`, so the file of a crashed run still loads. Any task may
// call it: one mutex guards the buffer, and encoding an event allocates nothing.
//
//   let trace = try TraceWriter(path: "vortex.trace")
//   trace.setProcessName("replica 0", pid: 0)
//   trace.beginSpan("terminated", pid: 0)
//   trace.endSpan("terminated", pid: 0)
//   try trace.close()

import Synchronization

#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif

/// A streaming writer of a Chrome trace file.
///
/// Timestamps (`ts`) are microseconds since the writer was created, read from
/// `ContinuousClock`; every event except metadata and counters also carries its absolute UTC
/// wall-clock time in `args.timestamp`. `pid` and `tid` are the caller's: the viewer draws one
/// track per (`pid`, `tid`) and names it after `setProcessName` / `setThreadName`.
///
/// Event methods never throw: the first write error is kept, later events are discarded, and
/// `flush()` or `close()` reports it. Events sent after `close()` are ignored.
public final class TraceWriter: Sendable {
    /// The trace file's path.
    public let path: String

    let state: Mutex<WriterState>
    let origin: ContinuousClock.Instant
    let originWallNanoseconds: Int64
    let clockNow: @Sendable () -> ContinuousClock.Instant

    /// Creates (or truncates) the trace file at `path` and writes the opening `[`.
    ///
    /// - Parameters:
    ///   - path: Where to write the trace; conventionally `<output directory>/vortex.trace`.
    ///   - bufferCapacityBytes: Bytes of events kept in memory before they are written out.
    ///   - flushInterval: The first event that comes this long or longer after the last write
    ///     writes the buffer out, so a busy run's file lags by at most about this much; `.zero`
    ///     writes every event at once. Call `flush()` to write out a quiet run's last events.
    ///   - origin: The moment `ts` counts from, and its wall-clock time in nanoseconds since the
    ///     Unix epoch; nil for the writer's creation. A program whose other outputs count time
    ///     from one origin passes it here, so every output agrees on when an event happened.
    /// - Throws: `TraceWriterError` when the file cannot be created.
    public convenience init(
        path: String,
        bufferCapacityBytes: Int = 64 * 1_024,
        flushInterval: Duration = .milliseconds(100),
        origin: (instant: ContinuousClock.Instant, wallNanoseconds: Int64)? = nil
    ) throws(TraceWriterError) {
        try self.init(
            path: path,
            bufferCapacityBytes: bufferCapacityBytes,
            flushInterval: flushInterval,
            originWallNanoseconds: origin?.wallNanoseconds,
            origin: origin?.instant,
            clockNow: { ContinuousClock.now }
        )
    }

    /// Creates a writer whose clock and wall-clock origin are given, so tests get exact text.
    init(
        path: String,
        bufferCapacityBytes: Int,
        flushInterval: Duration,
        originWallNanoseconds: Int64?,
        origin: ContinuousClock.Instant? = nil,
        clockNow: @escaping @Sendable () -> ContinuousClock.Instant
    ) throws(TraceWriterError) {
        precondition(bufferCapacityBytes > 0, "bufferCapacityBytes must be positive")
        precondition(flushInterval >= .zero, "flushInterval must not be negative")
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw TraceWriterError(operation: .create, path: path, errnoCode: errno)
        }
        var realtime = timespec()
        clock_gettime(CLOCK_REALTIME, &realtime)
        self.path = path
        self.clockNow = clockNow
        self.origin = origin ?? clockNow()
        self.originWallNanoseconds =
            originWallNanoseconds
            ?? (Int64(realtime.tv_sec) * 1_000_000_000 + Int64(realtime.tv_nsec))
        var initial = WriterState(
            fileDescriptor: descriptor,
            path: path,
            bufferCapacityBytes: bufferCapacityBytes,
            flushIntervalNanoseconds: Self.nanoseconds(flushInterval)
        )
        initial.buffer.append(raw: "[\n")
        initial.writeBuffer()
        self.state = Mutex(initial)
    }

    deinit {
        state.withLock { state in
            if !state.isClosed {
                finish(&state)
                _ = state.closeFile()
            }
        }
    }

    // MARK: Metadata

    /// Names the process track `pid` (`process_name` metadata), e.g. `"replica 0"`.
    public func setProcessName(_ name: String, pid: Int) {
        writeMetadata("process_name", pid: pid, tid: nil, key: "name", value: .string(name))
    }

    /// Places the process track `pid` among the others: lower sort indices come first.
    public func setProcessSortIndex(_ sortIndex: Int, pid: Int) {
        writeMetadata(
            "process_sort_index",
            pid: pid,
            tid: nil,
            key: "sort_index",
            value: .int(sortIndex)
        )
    }

    /// Names the thread track `tid` of process `pid` (`thread_name` metadata).
    public func setThreadName(_ name: String, pid: Int, tid: Int) {
        writeMetadata("thread_name", pid: pid, tid: tid, key: "name", value: .string(name))
    }

    /// Places the thread track `tid` among the other threads of process `pid`.
    public func setThreadSortIndex(_ sortIndex: Int, pid: Int, tid: Int) {
        writeMetadata(
            "thread_sort_index",
            pid: pid,
            tid: tid,
            key: "sort_index",
            value: .int(sortIndex)
        )
    }

    // MARK: Spans

    /// Begins span `name` on track (`pid`, `tid`) now, or at `instant` (a `B` event).
    ///
    /// Spans on one track nest: end them innermost first with `endSpan`. Spans still open at
    /// `close()` are ended there, with `ended_at_close: true` in their end's args.
    public func beginSpan(
        _ name: String,
        pid: Int,
        tid: Int = 0,
        args: TraceArguments = [:],
        at instant: ContinuousClock.Instant? = nil
    ) {
        write(at: instant) { state, nowNanoseconds in
            state.pushSpan(name, on: ThreadKey(pid: pid, tid: tid))
            appendSimpleEvent(&state, "B", name, pid, tid, nowNanoseconds, args, "timestamp")
        }
    }

    /// Ends span `name`, the innermost open span on track (`pid`, `tid`), now or at `instant`
    /// (an `E` event).
    ///
    /// Ending a span that is not the innermost open one on its track is a programmer error:
    /// it traps in debug builds; release builds write nothing. The end's wall-clock time is
    /// in `args.end_timestamp`, so the viewer shows both ends of the span.
    public func endSpan(
        _ name: String,
        pid: Int,
        tid: Int = 0,
        args: TraceArguments = [:],
        at instant: ContinuousClock.Instant? = nil
    ) {
        state.withLock { state in
            guard !state.isClosed else { return }
            let track = ThreadKey(pid: pid, tid: tid)
            guard state.popSpan(name, on: track) else {
                let innermost = state.innermostSpan(on: track) ?? "none"
                assertionFailure(
                    "endSpan(\"\(name)\", pid: \(pid), tid: \(tid)): innermost open span is \(innermost)"
                )
                return
            }
            emit(&state, nanosecondsSinceOrigin(instant ?? clockNow())) { state, nowNanoseconds in
                appendSimpleEvent(
                    &state,
                    "E",
                    name,
                    pid,
                    tid,
                    nowNanoseconds,
                    args,
                    "end_timestamp"
                )
            }
        }
    }

    /// The number of spans begun and not yet ended, over all tracks.
    public var openSpanCount: Int {
        state.withLock { $0.openSpanCount }
    }

    // MARK: Other events

    /// Records an operation that ran from `start` to `end` (an `X` event), such as a request;
    /// `args` gets the wall-clock times of both ends.
    public func complete(
        _ name: String,
        pid: Int,
        tid: Int = 0,
        start: ContinuousClock.Instant,
        end: ContinuousClock.Instant,
        args: TraceArguments = [:]
    ) {
        precondition(start <= end, "complete event '\(name)' ends before it starts")
        let startNanoseconds = nanosecondsSinceOrigin(start)
        let endNanoseconds = nanosecondsSinceOrigin(end)
        write { state, nowNanoseconds in
            let startMicroseconds = startNanoseconds.dividedFloor(by: 1_000)
            state.buffer.appendEventHeader(
                pid: pid,
                tid: tid,
                timestampMicroseconds: startMicroseconds,
                durationMicroseconds: endNanoseconds.dividedFloor(by: 1_000) - startMicroseconds,
                phase: "X"
            )
            state.buffer.appendName(name)
            state.buffer.appendArgumentsAndClose(
                args,
                wallTimeKey: "timestamp",
                wallTimeNanoseconds: originWallNanoseconds + startNanoseconds,
                endWallTimeNanoseconds: originWallNanoseconds + endNanoseconds
            )
        }
    }

    /// Marks a moment (an `i` event), e.g. a failed check.
    public func instant(
        _ name: String,
        pid: Int,
        tid: Int = 0,
        scope: TraceInstantScope = .thread,
        args: TraceArguments = [:]
    ) {
        write { state, nowNanoseconds in
            state.buffer.appendEventHeader(
                pid: pid,
                tid: tid,
                timestampMicroseconds: nowNanoseconds.dividedFloor(by: 1_000),
                phase: "i"
            )
            state.buffer.appendInstantScope(scope)
            state.buffer.appendName(name)
            state.buffer.appendArgumentsAndClose(
                args,
                wallTimeKey: "timestamp",
                wallTimeNanoseconds: originWallNanoseconds + nowNanoseconds
            )
        }
    }

    /// Sets the values of counter `name` of process `pid` now (a `C` event); each key is one
    /// series of the counter's chart, e.g. `["ok": 120, "failed": 3]`.
    ///
    /// Counters carry no wall-clock time: the viewer would plot it as another series.
    public func counter(_ name: String, pid: Int, values: KeyValuePairs<String, Double>) {
        write { state, nowNanoseconds in
            state.buffer.appendEventHeader(
                pid: pid,
                tid: 0,
                timestampMicroseconds: nowNanoseconds.dividedFloor(by: 1_000),
                phase: "C"
            )
            state.buffer.appendName(name)
            state.buffer.appendCounterValuesAndClose(values)
        }
    }

    /// Starts flow `id` now on track (`pid`, `tid`) (an `s` event): the viewer draws an arrow
    /// from the slice enclosing this moment to the slice enclosing the matching `flowEnd`.
    ///
    /// A flow is matched by `name`, `category` and `id`; keep `id` below 2^53 so that
    /// JavaScript viewers read it exactly.
    public func flowStart(
        _ name: String,
        id: UInt64,
        pid: Int,
        tid: Int = 0,
        category: String = "flow"
    ) {
        writeFlow("s", name, id, pid, tid, category)
    }

    /// Ends flow `id` now on track (`pid`, `tid`) (an `f` event bound to the enclosing slice).
    public func flowEnd(
        _ name: String,
        id: UInt64,
        pid: Int,
        tid: Int = 0,
        category: String = "flow"
    ) {
        writeFlow("f", name, id, pid, tid, category)
    }

    // MARK: Flush and close

    /// Writes every buffered event to the file.
    ///
    /// - Throws: The first write error of the writer's life, if any.
    public func flush() throws(TraceWriterError) {
        let error: TraceWriterError? = state.withLock { state in
            if !state.isClosed {
                state.writeBuffer()
            }
            return state.writeError
        }
        if let error {
            throw error
        }
    }

    /// Ends the spans still open (innermost first, tracks in (`pid`, `tid`) order), closes the
    /// JSON array and the file. Closing twice is a programmer error.
    ///
    /// - Throws: The first write error of the writer's life, or the error of `close(2)`.
    public func close() throws(TraceWriterError) {
        let error: TraceWriterError? = state.withLock { state in
            precondition(!state.isClosed, "TraceWriter for '\(path)' closed twice")
            finish(&state)
            return state.closeFile()
        }
        if let error {
            throw error
        }
    }
}
