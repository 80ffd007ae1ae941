// Splitting a text into lines over its UTF-8 bytes, without a String per line: splitting a
// String walks grapheme clusters, which made a 14 MB history.jsonl take seconds to read. Also the
// one loop both history formats read their events with, stopping at the first bad line.

enum TextLines {
    /// Calls `body` with each line's bytes (no newline) and its 1-based number, until it
    /// returns false.
    static func forEach(
        in text: String,
        _ body: (UnsafeBufferPointer<UInt8>, Int) -> Bool
    ) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            var lineNumber = 0
            // One round per line: the text's length bounds the loop.
            while start < bytes.count {
                lineNumber += 1
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                if !body(UnsafeBufferPointer(rebasing: bytes[start..<end]), lineNumber) { return }
                start = end + 1
            }
        }
    }

    /// The events `event` makes of the lines of `text` (nil: a line that holds none), in order.
    /// - Throws: the first line `event` rejects, as a `HistoryError` at that line of `source`.
    static func events(
        in text: String,
        source: String,
        _ event: (UnsafeBufferPointer<UInt8>, Int) throws(JSONLineFailure) -> HistoryEvent?
    ) throws(HistoryError) -> [HistoryEvent] {
        var events: [HistoryEvent] = []
        var failure: HistoryError?
        forEach(in: text) { line, lineNumber in
            do throws(JSONLineFailure) {
                if let parsed = try event(line, lineNumber) { events.append(parsed) }
                return true
            } catch {
                failure = HistoryError(source: source, line: lineNumber, reason: error.reason)
                return false
            }
        }
        if let failure { throw failure }
        return events
    }
}
