// Jepsen register logs (the etcd histories Porcupine and Knossos test with): lines
// `INFO  jepsen.util - 3<TAB>:invoke<TAB>:cas<TAB>[3 0]` for one register (key 0). Lines of any
// other shape (log noise, the nemesis) are skipped; a line of that shape whose fields are wrong
// is an error. Logs carry no times, so the line number stands in for `timeUs`.

/// Parses the operation lines of a Jepsen log.
enum JepsenLineParser {
    /// What precedes the tab-separated fields of an operation line.
    static let marker = "jepsen.util - "

    /// The events of `text`.
    static func events(in text: String, source: String) throws(HistoryError) -> [HistoryEvent] {
        try TextLines.events(in: text, source: source) {
            bytes,
            lineNumber throws(JSONLineFailure) in
            try event(Substring(String(decoding: bytes, as: UTF8.self)), lineNumber: lineNumber)
        }
    }

    /// The line's event; nil when the line is not an operation of a client process.
    static func event(_ line: Substring, lineNumber: Int) throws(JSONLineFailure) -> HistoryEvent? {
        guard let markerRange = line.firstRange(of: marker) else { return nil }
        let fields = line[markerRange.upperBound...]
            .split(separator: "\t", omittingEmptySubsequences: false)
            .map { $0.trimmingSuffix(while: { $0 == "\r" || $0 == " " }) }
        guard fields.count >= 3,
            let type = EventType(rawValue: String(fields[1].dropFirst())), fields[1].first == ":"
        else { return nil }
        guard let process = Int(fields[0]) else {
            if fields[0].first == ":" { return nil }  // :nemesis and other named actors
            throw JSONLineFailure("process \"\(fields[0])\" is not an integer")
        }
        guard fields[2].first == ":",
            let function = RegisterFunction(rawValue: String(fields[2].dropFirst()))
        else {
            throw JSONLineFailure("operation \"\(fields[2])\" is not :read, :write or :cas")
        }
        let valueText = fields.count > 3 ? fields[3] : ""
        return HistoryEvent(
            process: process,
            type: type,
            function: function,
            key: 0,
            value: try value(valueText, type: type),
            timeUs: Int64(lineNumber),
            error: type == .info || type == .fail ? errorText(valueText) : nil,
            line: lineNumber
        )
    }

    /// `nil`, an integer, or `[from to]`; ignored (nil) on fail and info, which carry the
    /// invocation's arguments or a keyword such as `:timed-out`.
    private static func value(
        _ text: Substring,
        type: EventType
    ) throws(JSONLineFailure) -> EventValue? {
        if type == .fail || type == .info { return nil }
        if text == "nil" { return .absent }
        if let integer = Int(text) { return .integer(integer) }
        if text.first == "[", text.last == "]" {
            let parts = text.dropFirst().dropLast().split(whereSeparator: { $0 == " " || $0 == "," }
            )
            if parts.count == 2, let from = Int(parts[0]), let to = Int(parts[1]) {
                return .pair(from: from, to: to)
            }
        }
        throw JSONLineFailure("value \"\(text)\" is not nil, an integer or [from to]")
    }

    /// The keyword of an info or fail line (`:timed-out` → `timed-out`), if it has one.
    private static func errorText(_ text: Substring) -> String? {
        text.first == ":" ? String(text.dropFirst()) : nil
    }
}

extension Substring {
    /// The substring without the trailing characters that match.
    fileprivate func trimmingSuffix(while matches: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, matches(self[index(before: end)]) {
            end = index(before: end)
        }
        return self[startIndex..<end]
    }
}
