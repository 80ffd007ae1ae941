// Writing history.jsonl: the line of one event, exactly the shape VortexLineParser reads, so the
// harness that records a run and the checker that reads it agree by construction.

extension HistoryEvent {
    /// The event as one line of history.jsonl, without the newline: fields in the order
    /// process, type, f, key, value, timeUs, error; `value` omitted when nil.
    public var jsonLine: String {
        var line = "{\"process\":\(process),\"type\":\"\(type.rawValue)\","
        line += "\"f\":\"\(function.rawValue)\",\"key\":\(key),"
        switch value {
        case nil: break
        case .absent?: line += "\"value\":null,"
        case .integer(let integer)?: line += "\"value\":\(integer),"
        case .pair(let from, let to)?: line += "\"value\":[\(from),\(to)],"
        }
        line += "\"timeUs\":\(timeUs)"
        if let error {
            line += ",\"error\":\(Self.quoted(error))"
        }
        return line + "}"
    }

    /// `text` as a JSON string literal, which EDN reads as the same string (history.edn's
    /// writer uses it too).
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
