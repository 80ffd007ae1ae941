// Jepsen's history.edn and Knossos's data files: one EDN map per operation event, such as
// `{:type :invoke, :f :cas, :value [3 0], :process 2, :time 1234567}`, one per line or all in one
// vector. Register histories of one key carry the value itself; histories of independent keys
// (jepsen.independent) carry `[key value]` tuples. Events of named processes (`:nemesis`) are
// skipped. `:time` (nanoseconds) gives the times when every event has one; otherwise the event's
// position stands in, as the line number does for Jepsen logs.

/// Parses the events of a Jepsen EDN history.
enum JepsenEDNParser {
    /// The events of `text`.
    static func events(in text: String, source: String) throws(HistoryError) -> [HistoryEvent] {
        var text = text
        let parsed = text.withUTF8 { bytes in
            Result { () throws(HistoryError) -> [HistoryEvent] in
                try events(in: bytes, source: source)
            }
        }
        return try parsed.get()
    }

    private static func events(
        in bytes: UnsafeBufferPointer<UInt8>,
        source: String
    ) throws(HistoryError) -> [HistoryEvent] {
        var reader = EDNReader(bytes)
        var events: [HistoryEvent] = []
        var timesNs: [Int64?] = []
        /// The key of each process's open operation, for completions that do not repeat it.
        var openKeys: [Int: Int] = [:]
        // Each form consumes text: the text's length bounds the loop.
        while let (form, line) = try next(&reader, source: source) {
            let parsed: (HistoryEvent, timeNs: Int64?)?
            do throws(JSONLineFailure) {
                parsed = try event(form, line: line, openKeys: openKeys)
            } catch {
                throw HistoryError(source: source, line: line, reason: error.reason)
            }
            guard let (event, timeNs) = parsed else { continue }
            openKeys[event.process] = event.type == .invoke ? event.key : nil
            events.append(event)
            timesNs.append(timeNs)
        }
        let everyTimeNs = timesNs.compactMap { $0 }
        for index in events.indices {
            events[index].timeUs =
                everyTimeNs.count == events.count ? everyTimeNs[index] / 1000 : Int64(index + 1)
        }
        return events
    }

    /// The next top-level form (the elements of a top-level vector one by one) and its line.
    private static func next(
        _ reader: inout EDNReader,
        source: String
    ) throws(HistoryError) -> (EDNValue, line: Int)? {
        do throws(EDNFailure) {
            return try reader.next(enteringSequences: true)
        } catch {
            throw HistoryError(source: source, line: error.line, reason: error.reason)
        }
    }

    /// The event of one operation map and its `:time`; nil for a named process's event.
    private static func event(
        _ form: EDNValue,
        line: Int,
        openKeys: [Int: Int]
    ) throws(JSONLineFailure) -> (HistoryEvent, timeNs: Int64?)? {
        guard case .map(let fields) = form else {
            throw JSONLineFailure("expected an operation map {:type … :f … :process …}")
        }
        guard let processField = fields["process"] else { throw missing("process") }
        let process: Int
        switch processField {
        case .integer(let integer): process = integer
        case .keyword: return nil  // :nemesis and other named actors
        default: throw JSONLineFailure(":process must be an integer or a keyword")
        }
        guard case .keyword(let typeName)? = fields["type"],
            let type = EventType(rawValue: typeName)
        else { throw JSONLineFailure(":type must be :invoke, :ok, :fail or :info") }
        guard case .keyword(let functionName)? = fields["f"],
            let function = RegisterFunction(rawValue: functionName)
        else { throw JSONLineFailure(":f must be :read, :write or :cas") }
        let (key, value) = try keyAndValue(fields["value"] ?? .null, function: function, type: type)
        var timeNs: Int64?
        if case .integer(let time)? = fields["time"] { timeNs = Int64(time) }
        let event = HistoryEvent(
            process: process,
            type: type,
            function: function,
            key: key ?? (type == .invoke ? 0 : openKeys[process] ?? 0),
            value: value,
            timeUs: 0,
            error: fields["error"].map(errorText),
            line: line
        )
        guard event.key >= 0 else {
            throw JSONLineFailure("the key must be non-negative, got \(event.key)")
        }
        return (event, timeNs)
    }

    /// The key (nil when the value carries none) and the value of an operation. A read or
    /// write's `[k v]` and a cas's `[k [from to]]` or `[k nil]` are independent-key tuples; a
    /// cas's `[from to]` is its arguments. The value of a fail or info is ignored (it repeats the
    /// invocation or says why), but its tuple's key is kept.
    private static func keyAndValue(
        _ value: EDNValue,
        function: RegisterFunction,
        type: EventType
    ) throws(JSONLineFailure) -> (Int?, EventValue?) {
        var key: Int?
        var inner = value
        if case .sequence(let items) = value, items.count == 2 {
            // A cas's own arguments are two integers; a tuple holds a pair or nil after its key.
            let isTuple: Bool
            switch (function, items[1]) {
            case (.cas, .sequence), (.cas, .null): isTuple = true
            case (.cas, _): isTuple = false
            default: isTuple = true
            }
            if isTuple {
                guard case .integer(let tupleKey) = items[0] else {
                    throw JSONLineFailure("the key of [key value] must be an integer")
                }
                key = tupleKey
                inner = items[1]
            }
        }
        if type == .fail || type == .info { return (key, nil) }
        switch inner {
        case .null: return (key, .absent)
        case .integer(let integer): return (key, .integer(integer))
        case .sequence(let pair) where pair.count == 2:
            if case .integer(let from) = pair[0], case .integer(let to) = pair[1] {
                return (key, .pair(from: from, to: to))
            }
        default: break
        }
        throw JSONLineFailure(":value must be nil, an integer, [from to] or [key value]")
    }

    private static func missing(_ field: String) -> JSONLineFailure {
        JSONLineFailure("missing :\(field)")
    }

    /// `:timed-out` → `timed-out`; strings as they are; anything else as written.
    private static func errorText(_ value: EDNValue) -> String {
        switch value {
        case .keyword(let name): return name
        case .string(let text): return text
        case .integer(let integer): return String(integer)
        default: return "\(value)"
        }
    }
}
