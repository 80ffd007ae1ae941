// A reader for the part of EDN (Clojure's data notation) that Jepsen and Knossos write histories
// in: maps, vectors, lists and sets, keywords, integers, nil, booleans, strings, and tagged
// literals (`#jepsen.history.Op{…}` reads as its map). Floats, ratios and symbols are kept as
// text; comments (`;`), commas and `#_` discards are skipped. Hand-written over UTF-8 bytes, as
// the JSON-line scanner is, so that no dependency comes in for one file format.

/// One EDN value.
enum EDNValue: Equatable {
    case null
    case boolean(Bool)
    case integer(Int)
    /// A float, a ratio, a big integer, a symbol or a character, as written.
    case other(String)
    case string(String)
    /// A keyword, without its colon.
    case keyword(String)
    /// A vector, list or set, in order.
    case sequence([EDNValue])
    /// A map's entries whose keys are keywords (the only keys a history uses), by name.
    case map([String: EDNValue])
}

/// Reads the forms of an EDN text one by one, with the line each starts on.
struct EDNReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var line = 1

    /// Deepest nesting accepted: a history's operations nest three deep; this bounds recursion
    /// on a corrupt file.
    private static let maximumDepth = 32

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The next top-level form and its line; nil at the end. With `enteringSequences`, the
    /// brackets of top-level vectors and lists are skipped, so the elements of a file that is
    /// one vector of operations (Knossos's data files) come one by one, each with its own line.
    mutating func next(enteringSequences: Bool) throws(EDNFailure) -> (EDNValue, line: Int)? {
        // Each round consumes at least one byte: the text's length bounds the loop.
        while position < bytes.count {
            try skipSpace()
            guard let byte = peek() else { return nil }
            if enteringSequences && Self.isSequenceBracket(byte) {
                position += 1
                continue
            }
            let start = line
            return (try value(depth: 0), start)
        }
        return nil
    }

    private static func isSequenceBracket(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "(")
            || byte == UInt8(ascii: ")")
    }

    private func peek(_ offset: Int = 0) -> UInt8? {
        position + offset < bytes.count ? bytes[position + offset] : nil
    }

    /// Skips whitespace, commas, comments and `#_` discarded forms; a discarded form counts as
    /// nested one deeper than `depth`, so a chain of discards cannot recurse without bound.
    private mutating func skipSpace(depth: Int = 0) throws(EDNFailure) {
        while let byte = peek() {
            switch byte {
            case 0x0A:
                line += 1
                position += 1
            case 0x20, 0x09, 0x0D, UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: ";"):
                while let next = peek(), next != 0x0A { position += 1 }
            case UInt8(ascii: "#") where peek(1) == UInt8(ascii: "_"):
                position += 2
                _ = try value(depth: depth + 1)
            default:
                return
            }
        }
    }

    private mutating func value(depth: Int) throws(EDNFailure) -> EDNValue {
        guard depth < Self.maximumDepth else {
            throw EDNFailure("nested deeper than \(Self.maximumDepth)", line: line)
        }
        try skipSpace(depth: depth)
        guard let byte = peek() else { throw EDNFailure("the text ends inside a form", line: line) }
        switch byte {
        case UInt8(ascii: "{"):
            position += 1
            return try map(depth: depth)
        case UInt8(ascii: "["):
            position += 1
            return .sequence(try elements(until: UInt8(ascii: "]"), depth: depth))
        case UInt8(ascii: "("):
            position += 1
            return .sequence(try elements(until: UInt8(ascii: ")"), depth: depth))
        case UInt8(ascii: "#"):
            position += 1
            if peek() == UInt8(ascii: "{") {
                position += 1
                return .sequence(try elements(until: UInt8(ascii: "}"), depth: depth))
            }
            _ = token()  // a tag: the value is the form after it
            return try value(depth: depth + 1)
        case UInt8(ascii: "\""):
            position += 1
            return .string(try string())
        case UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ")"):
            throw EDNFailure("unexpected '\(Character(Unicode.Scalar(byte)))'", line: line)
        default:
            return atom(token())
        }
    }

    private mutating func elements(until close: UInt8, depth: Int) throws(EDNFailure) -> [EDNValue]
    {
        var result: [EDNValue] = []
        try forEachElement(until: close, depth: depth) { result.append($0) }
        return result
    }

    /// Reads the elements up to `close` (consumed), handing each to `body`.
    private mutating func forEachElement(
        until close: UInt8,
        depth: Int,
        _ body: (EDNValue) -> Void
    ) throws(EDNFailure) {
        // Each round consumes at least one byte or throws at the end of the text.
        while true {
            try skipSpace(depth: depth)
            guard let byte = peek() else {
                throw EDNFailure(
                    "the text ends before '\(Character(Unicode.Scalar(close)))'",
                    line: line
                )
            }
            if byte == close {
                position += 1
                return
            }
            body(try value(depth: depth + 1))
        }
    }

    /// A map, straight into a dictionary (no list of entries first: a history has a map per
    /// event).
    private mutating func map(depth: Int) throws(EDNFailure) -> EDNValue {
        var result: [String: EDNValue] = [:]
        var key: EDNValue?
        try forEachElement(until: UInt8(ascii: "}"), depth: depth) { element in
            guard let pendingKey = key else {
                key = element
                return
            }
            if case .keyword(let name) = pendingKey { result[name] = element }
            key = nil
        }
        guard key == nil else { throw EDNFailure("a map has a key without a value", line: line) }
        return .map(result)
    }

    /// The rest of a string after its opening quote, with the escapes EDN has.
    private mutating func string() throws(EDNFailure) -> String {
        var scalars: [UInt8] = []
        while let byte = peek() {
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = peek() else { break }
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "u"): scalars += try unicodeEscape()
                default: scalars.append(escaped)
                }
            case 0x0A:
                line += 1
                scalars.append(byte)
            default:
                scalars.append(byte)
            }
        }
        throw EDNFailure("a string is not closed", line: line)
    }

    /// The UTF-8 of a `\uXXXX` escape's character, after its `u`.
    private mutating func unicodeEscape() throws(EDNFailure) -> [UInt8] {
        guard let code = fourHexDigits(in: bytes, at: position),
            let scalar = Unicode.Scalar(code)
        else { throw EDNFailure("a \\u escape needs four hex digits", line: line) }
        position += 4
        return Array(String(Character(scalar)).utf8)
    }

    /// The bytes up to the next delimiter.
    private mutating func token() -> String {
        let start = position
        while let byte = peek(), !Self.isDelimiter(byte) { position += 1 }
        return String(
            decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]),
            as: UTF8.self
        )
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "{"),
            UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "\""):
            return true
        default:
            return false
        }
    }

    private func atom(_ text: String) -> EDNValue {
        switch text {
        case "nil": return .null
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        default:
            if text.first == ":" { return .keyword(String(text.dropFirst())) }
            if let integer = Int(text.hasPrefix("+") ? String(text.dropFirst()) : text) {
                return .integer(integer)
            }
            return .other(text)
        }
    }
}

/// What is wrong with an EDN text, and the line where it was found.
struct EDNFailure: Error {
    let reason: String
    let line: Int

    init(_ reason: String, line: Int) {
        self.reason = reason
        self.line = line
    }
}
