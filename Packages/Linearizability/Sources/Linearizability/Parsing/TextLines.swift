// Splitting a text into lines over its UTF-8 bytes, without a String per line: splitting a
// String walks grapheme clusters, which made a 14 MB history.jsonl take seconds to read.

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
}
