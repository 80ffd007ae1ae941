// The entry point for reading a history: from text or from a file, in either format (or the one
// its text shows), into a paired History. Every failure is one HistoryError naming the file and,
// when it is a line's fault, the line.

import Foundation

/// The formats a history can be read from.
public enum HistoryFormat: String, Sendable, CaseIterable {
    /// history.jsonl, as vortex records it (docs/linearizability.md).
    case vortex
    /// A Jepsen register log (one register, `jepsen.util` lines).
    case jepsen
    /// Jepsen's history.edn or a Knossos data file: one EDN map per event.
    case edn

    /// The format `text` is in: vortex when its first non-blank line is a JSON object (or there
    /// is none: an empty history); otherwise jepsen when some line carries the `jepsen.util - `
    /// marker; otherwise edn when the first line opens an EDN map (`{:`), a vector, a list, a
    /// tagged literal or a comment; nil when none of these.
    public static func detect(in text: String) -> HistoryFormat? {
        var opening: [UInt8] = []
        var hasMarker = false
        TextLines.forEach(in: text) { line, _ in
            if opening.isEmpty {
                opening = Array(line.lazy.filter { !isSpace($0) }.prefix(2))
                // A JSON object or an EDN map: no Jepsen log line opens so.
                if opening.first == UInt8(ascii: "{") { return false }
            }
            hasMarker = String(decoding: line, as: UTF8.self).contains(JepsenLineParser.marker)
            return !hasMarker
        }
        guard let first = opening.first else { return .vortex }
        if first == UInt8(ascii: "{") { return opening.last == UInt8(ascii: ":") ? .edn : .vortex }
        if hasMarker { return .jepsen }
        return [UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: "#"), UInt8(ascii: ";")]
            .contains(first) ? .edn : nil
    }

    /// Space, tab, carriage return, or EDN's comma.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == UInt8(ascii: ",")
    }
}

/// Reads histories.
public enum HistoryParser {
    /// The history in `text`, named `source` in errors.
    public static func parse(
        _ text: String,
        format: HistoryFormat,
        source: String
    ) throws(HistoryError) -> History {
        let events: [HistoryEvent]
        switch format {
        case .vortex: events = try VortexLineParser.events(in: text, source: source)
        case .jepsen: events = try JepsenLineParser.events(in: text, source: source)
        case .edn: events = try JepsenEDNParser.events(in: text, source: source)
        }
        return try History(events: events, source: source)
    }

    /// The history in the file at `path`, in `format` (nil: the format its text shows).
    public static func load(path: String, format: HistoryFormat?) throws(HistoryError) -> History {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw HistoryError(source: path, line: nil, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw HistoryError(source: path, line: nil, reason: "is a directory, not a history")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HistoryError(source: path, line: nil, reason: "cannot be read")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw HistoryError(source: path, line: nil, reason: "is not UTF-8 text")
        }
        guard let format = format ?? HistoryFormat.detect(in: text) else {
            throw HistoryError(
                source: path,
                line: nil,
                reason: "is neither a history.jsonl (its first line is not a JSON object), an EDN "
                    + "history nor a Jepsen register log (no `jepsen.util - ` line); give --format"
            )
        }
        return try parse(text, format: format, source: path)
    }
}
