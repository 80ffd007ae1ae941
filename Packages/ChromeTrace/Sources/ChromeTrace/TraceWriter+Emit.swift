// How TraceWriter puts one event into its buffer: under the lock, at the current time, between
// the separator from the previous event and the check that writes a full (or old) buffer out;
// and how close ends the spans still open. Kept apart from the public API in TraceWriter.swift.

import Synchronization

extension TraceWriter {
    /// Writes one event under the lock at the current time; does nothing once closed.
    func write(
        at instant: ContinuousClock.Instant? = nil,
        _ encode: @Sendable (inout WriterState, _ nowNanoseconds: Int64) -> Void
    ) {
        state.withLock { state in
            guard !state.isClosed else { return }
            emit(&state, nanosecondsSinceOrigin(instant ?? clockNow()), encode)
        }
    }

    /// Writes one event: the separator, the event's text, then the flush check.
    func emit(
        _ state: inout WriterState,
        _ nowNanoseconds: Int64,
        _ encode: @Sendable (inout WriterState, _ nowNanoseconds: Int64) -> Void
    ) {
        state.beginEvent()
        encode(&state, nowNanoseconds)
        state.endEvent(nowNanoseconds: nowNanoseconds)
    }

    /// Ends every open span (innermost first, tracks in (`pid`, `tid`) order) and closes the
    /// JSON array; the caller then closes the file.
    func finish(_ state: inout WriterState) {
        let nowNanoseconds = nanosecondsSinceOrigin(clockNow())
        for track in state.tracksWithOpenSpans {
            // Each pass ends one span, so this runs at most `openSpanCount` times.
            while let name = state.innermostSpan(on: track) {
                _ = state.popSpan(name, on: track)
                emit(&state, nowNanoseconds) { state, nowNanoseconds in
                    appendSimpleEvent(
                        &state,
                        "E",
                        name,
                        track.pid,
                        track.tid,
                        nowNanoseconds,
                        ["ended_at_close": true],
                        "end_timestamp"
                    )
                }
            }
        }
        state.buffer.append(raw: state.eventCount > 0 ? "\n]\n" : "]\n")
    }

    func nanosecondsSinceOrigin(_ instant: ContinuousClock.Instant) -> Int64 {
        Self.nanoseconds(instant - origin)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    func writeMetadata(
        _ metadataName: StaticString,
        pid: Int,
        tid: Int?,
        key: StaticString,
        value: TraceValue
    ) {
        write { state, _ in
            state.buffer.appendMetadataEvent(
                metadataName,
                pid: pid,
                tid: tid,
                argumentKey: key,
                value: value
            )
        }
    }

    func writeFlow(
        _ phase: StaticString,
        _ name: String,
        _ id: UInt64,
        _ pid: Int,
        _ tid: Int,
        _ category: String
    ) {
        write { state, nowNanoseconds in
            state.buffer.appendEventHeader(
                pid: pid,
                tid: tid,
                timestampMicroseconds: nowNanoseconds.dividedFloor(by: 1_000),
                phase: phase
            )
            if phase.utf8Start.pointee == UInt8(ascii: "f") {
                state.buffer.append(raw: ",\"bp\":\"e\"")
            }
            state.buffer.appendName(name)
            state.buffer.appendFlowIdentity(id: id, category: category)
            state.buffer.appendArgumentsAndClose(
                [:],
                wallTimeKey: "timestamp",
                wallTimeNanoseconds: originWallNanoseconds + nowNanoseconds
            )
        }
    }

    /// A `B` or `E` event: header, name, arguments and one wall-clock time.
    func appendSimpleEvent(
        _ state: inout WriterState,
        _ phase: StaticString,
        _ name: String,
        _ pid: Int,
        _ tid: Int,
        _ nowNanoseconds: Int64,
        _ args: TraceArguments,
        _ wallTimeKey: StaticString
    ) {
        state.buffer.appendEventHeader(
            pid: pid,
            tid: tid,
            timestampMicroseconds: nowNanoseconds.dividedFloor(by: 1_000),
            phase: phase
        )
        state.buffer.appendName(name)
        state.buffer.appendArgumentsAndClose(
            args,
            wallTimeKey: wallTimeKey,
            wallTimeNanoseconds: originWallNanoseconds + nowNanoseconds
        )
    }
}
