// history.jsonl, the vortex format (docs/linearizability.md): one JSON object per line, one line
// per invocation and per completion. This file turns one line's fields into a HistoryEvent and
// says precisely what is wrong with a line that does not fit.

/// Parses the lines of a history.jsonl.
enum VortexLineParser {
    /// The events of `text`, skipping blank lines.
    static func events(in text: String, source: String) throws(HistoryError) -> [HistoryEvent] {
        try TextLines.events(in: text, source: source) { line, lineNumber throws(JSONLineFailure) in
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
            return try event(line, lineNumber: lineNumber)
        }
    }

    /// One line's event.
    static func event(
        _ line: UnsafeBufferPointer<UInt8>,
        lineNumber: Int
    ) throws(JSONLineFailure) -> HistoryEvent {
        var scanner = JSONLineScanner(line)
        let fields = try scanner.fields()
        let process = try integer("process", in: fields)
        let key = try integer("key", in: fields)
        guard key >= 0 else { throw JSONLineFailure("\"key\" must be non-negative, got \(key)") }
        let timeUs = try integer("timeUs", in: fields)
        guard let type = EventType(rawValue: try string("type", in: fields)) else {
            throw JSONLineFailure("\"type\" must be invoke, ok, fail or info")
        }
        guard let function = RegisterFunction(rawValue: try string("f", in: fields)) else {
            throw JSONLineFailure("\"f\" must be read, write or cas")
        }
        let value: EventValue?
        switch fields["value"] {
        case nil: value = nil
        case .null?: value = .absent
        case .integer(let integer)?: value = .integer(integer)
        case .integers(let pair)? where pair.count == 2: value = .pair(from: pair[0], to: pair[1])
        case .integers?: throw JSONLineFailure("\"value\" as an array must be [from, to]")
        case .string?: throw JSONLineFailure("\"value\" must be an integer, null or [from, to]")
        }
        let error: String?
        switch fields["error"] {
        case nil, .null?: error = nil
        case .string(let text)?: error = text
        default: throw JSONLineFailure("\"error\" must be a string")
        }
        return HistoryEvent(
            process: process,
            type: type,
            function: function,
            key: key,
            value: value,
            timeUs: Int64(timeUs),
            error: error,
            line: lineNumber
        )
    }

    private static func integer(
        _ name: String,
        in fields: JSONLineFields
    ) throws(JSONLineFailure) -> Int {
        guard case .integer(let value)? = fields[name] else {
            throw JSONLineFailure(
                fields[name] == nil ? "missing \"\(name)\"" : "\"\(name)\" must be an integer"
            )
        }
        return value
    }

    private static func string(
        _ name: String,
        in fields: JSONLineFields
    ) throws(JSONLineFailure) -> String {
        guard case .string(let value)? = fields[name] else {
            throw JSONLineFailure(
                fields[name] == nil ? "missing \"\(name)\"" : "\"\(name)\" must be a string"
            )
        }
        return value
    }
}
