// The JSON text of each kind of Chrome trace event, field by field. The field order follows the
// original vortex trace (`pid`, `tid`, `ts`, `dur`, `ph`, then the rest) so traces compare line
// by line; `docs/trace.md` shows one line of each kind.

/// How far an instant event reaches in the viewer.
public enum TraceInstantScope: Sendable, Hashable {
    /// A mark on the event's own thread track (`"s":"t"`).
    case thread
    /// A line across all tracks of the event's process (`"s":"p"`).
    case process
    /// A line across the whole trace (`"s":"g"`).
    case global
}

extension JSONBuffer {
    /// `{"ph":"M","pid":P,"name":"process_name","args":{"name":"…"}}` and its kin; `tid` only
    /// for thread metadata.
    mutating func appendMetadataEvent(
        _ metadataName: StaticString,
        pid: Int,
        tid: Int?,
        argumentKey: StaticString,
        value: TraceValue
    ) {
        append(raw: "{\"ph\":\"M\",\"pid\":")
        append(int: pid)
        if let tid {
            append(raw: ",\"tid\":")
            append(int: tid)
        }
        append(raw: ",\"name\":\"")
        append(raw: metadataName)
        append(raw: "\",\"args\":{\"")
        append(raw: argumentKey)
        append(raw: "\":")
        append(value: value)
        append(raw: "}}")
    }

    /// `{"pid":P,"tid":T,"ts":TS` and, for complete events, `,"dur":D`; then `,"ph":"…"`.
    mutating func appendEventHeader(
        pid: Int,
        tid: Int,
        timestampMicroseconds: Int64,
        durationMicroseconds: Int64? = nil,
        phase: StaticString
    ) {
        append(raw: "{\"pid\":")
        append(int: pid)
        append(raw: ",\"tid\":")
        append(int: tid)
        append(raw: ",\"ts\":")
        append(int: Int(timestampMicroseconds))
        if let durationMicroseconds {
            append(raw: ",\"dur\":")
            append(int: Int(durationMicroseconds))
        }
        append(raw: ",\"ph\":\"")
        append(raw: phase)
        append(UInt8(ascii: "\""))
    }

    /// `,"name":"…"`.
    mutating func appendName(_ name: String) {
        append(raw: ",\"name\":")
        append(string: name)
    }

    /// `,"args":{…}}`: the caller's arguments in order, then the wall-clock time under
    /// `wallTimeKey`, then (for complete events) the end's wall-clock time; closes the event.
    mutating func appendArgumentsAndClose(
        _ arguments: TraceArguments,
        wallTimeKey: StaticString,
        wallTimeNanoseconds: Int64,
        endWallTimeNanoseconds: Int64? = nil
    ) {
        append(raw: ",\"args\":{")
        for (key, value) in arguments {
            assert(key != "timestamp", "the trace argument key 'timestamp' is the writer's own")
            assert(key != "end_timestamp", "the trace argument key 'end_timestamp' is reserved")
            append(string: key)
            append(UInt8(ascii: ":"))
            append(value: value)
            append(UInt8(ascii: ","))
        }
        append(UInt8(ascii: "\""))
        append(raw: wallTimeKey)
        append(raw: "\":")
        append(wallTimeNanoseconds: wallTimeNanoseconds)
        if let endWallTimeNanoseconds {
            append(raw: ",\"end_timestamp\":")
            append(wallTimeNanoseconds: endWallTimeNanoseconds)
        }
        append(raw: "}}")
    }

    /// `,"args":{"series":value,…}}` of a counter event; closes the event.
    mutating func appendCounterValuesAndClose(_ values: KeyValuePairs<String, Double>) {
        append(raw: ",\"args\":{")
        var isFirst = true
        for (series, value) in values {
            if !isFirst {
                append(UInt8(ascii: ","))
            }
            isFirst = false
            append(string: series)
            append(UInt8(ascii: ":"))
            append(double: value)
        }
        append(raw: "}}")
    }

    /// `,"s":"t"` (or `p`, `g`): the scope of an instant event.
    mutating func appendInstantScope(_ scope: TraceInstantScope) {
        switch scope {
        case .thread: append(raw: ",\"s\":\"t\"")
        case .process: append(raw: ",\"s\":\"p\"")
        case .global: append(raw: ",\"s\":\"g\"")
        }
    }

    /// `,"id":N,"cat":"…"` of a flow event.
    mutating func appendFlowIdentity(id: UInt64, category: String) {
        append(raw: ",\"id\":")
        append(unsigned: id)
        append(raw: ",\"cat\":")
        append(string: category)
    }

    mutating func append(value: TraceValue) {
        switch value {
        case .string(let string): append(string: string)
        case .int(let int): append(int: int)
        case .double(let double): append(double: double)
        case .bool(let bool): append(raw: bool ? "true" : "false")
        }
    }
}
