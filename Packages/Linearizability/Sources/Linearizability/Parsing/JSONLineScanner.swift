// A strict scanner for the one shape history.jsonl uses: a flat JSON object whose values are
// strings, integers, null, or arrays of integers. Hand-written over UTF-8 bytes because a
// 100,000-operation history has 200,000 lines and Foundation's JSONSerialization would cost more
// than checking it; anything outside that shape is an error naming what was found.

/// A value of a history line's JSON object.
enum JSONLineValue: Equatable {
    case string(String)
    case integer(Int)
    case null
    case integers([Int])
}

/// Scans one line into its fields, in order.
struct JSONLineScanner {
    /// The line (without its newline), borrowed from the whole text.
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    /// Longest array accepted (a cas pair needs 2): bounds the work on a corrupt line.
    private static let maximumArrayCount = 16
    /// Most fields accepted on a line (the format has 7).
    private static let maximumFieldCount = 32

    init(_ line: UnsafeBufferPointer<UInt8>) {
        bytes = line
    }

    /// The object's fields, in order; a key seen twice is an error. (A list, not a dictionary:
    /// a line has a handful of fields, and hashing them cost more than the rest of the line.)
    mutating func fields() throws(JSONLineFailure) -> JSONLineFields {
        var result = JSONLineFields()
        skipSpaces()
        try expect(UInt8(ascii: "{"))
        skipSpaces()
        if peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            // Each round consumes at least one byte, so the line's length bounds the loop.
            while position < bytes.count {
                skipSpaces()
                let name = try string()
                skipSpaces()
                try expect(UInt8(ascii: ":"))
                skipSpaces()
                let value = try value()
                guard result[name] == nil else {
                    throw JSONLineFailure("field \"\(name)\" appears twice")
                }
                guard result.fields.count < Self.maximumFieldCount else {
                    throw JSONLineFailure("more than \(Self.maximumFieldCount) fields")
                }
                result.fields.append((name, value))
                skipSpaces()
                if peek() == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                break
            }
        }
        skipSpaces()
        guard position == bytes.count else {
            throw JSONLineFailure("text after the JSON object")
        }
        return result
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipSpaces() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A {
            position += 1
        }
    }

    private mutating func expect(_ byte: UInt8) throws(JSONLineFailure) {
        guard peek() == byte else {
            let found = peek().map { "'\(Character(Unicode.Scalar($0)))'" } ?? "the end of the line"
            throw JSONLineFailure(
                "expected '\(Character(Unicode.Scalar(byte)))' but found \(found) at column "
                    + "\(position + 1)"
            )
        }
        position += 1
    }

    private mutating func value() throws(JSONLineFailure) -> JSONLineValue {
        switch peek() {
        case UInt8(ascii: "\"")?:
            return .string(try string())
        case UInt8(ascii: "n")?:
            try literal("null")
            return .null
        case UInt8(ascii: "[")?:
            return .integers(try integerArray())
        case let byte? where byte == UInt8(ascii: "-") || (0x30...0x39).contains(byte):
            return .integer(try integer())
        default:
            throw JSONLineFailure(
                "unsupported value at column \(position + 1) (expected a string, an integer, "
                    + "null or an array of integers)"
            )
        }
    }

    private mutating func literal(_ word: String) throws(JSONLineFailure) {
        for byte in word.utf8 {
            guard peek() == byte else {
                throw JSONLineFailure("unsupported value at column \(position + 1)")
            }
            position += 1
        }
    }

    private mutating func integer() throws(JSONLineFailure) -> Int {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        let digitsStart = position
        while let byte = peek(), (0x30...0x39).contains(byte) { position += 1 }
        if let byte = peek(),
            byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
                || byte == UInt8(ascii: "E")
        {
            throw JSONLineFailure("number at column \(start + 1) is not an integer")
        }
        guard position > digitsStart,
            let value = Int(
                String(
                    decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]),
                    as: UTF8.self
                )
            )
        else {
            throw JSONLineFailure("number at column \(start + 1) is not a 64-bit integer")
        }
        return value
    }

    private mutating func integerArray() throws(JSONLineFailure) -> [Int] {
        try expect(UInt8(ascii: "["))
        skipSpaces()
        var values: [Int] = []
        if peek() == UInt8(ascii: "]") {
            position += 1
            return values
        }
        while values.count < Self.maximumArrayCount {
            skipSpaces()
            guard let byte = peek(), byte == UInt8(ascii: "-") || (0x30...0x39).contains(byte)
            else {
                throw JSONLineFailure("array at column \(position + 1) holds a non-integer")
            }
            values.append(try integer())
            skipSpaces()
            if peek() == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            return values
        }
        throw JSONLineFailure("array longer than \(Self.maximumArrayCount) elements")
    }

    private mutating func string() throws(JSONLineFailure) -> String {
        try expect(UInt8(ascii: "\""))
        let start = position
        // Fast path: no escape, the string is the bytes as they are.
        while let byte = peek(), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else {
                throw JSONLineFailure("control character in a string at column \(position + 1)")
            }
            position += 1
        }
        guard peek() == UInt8(ascii: "\\") else {
            try expect(UInt8(ascii: "\""))
            return text(start..<position - 1)
        }
        var result = text(start..<position)
        while let byte = peek() {
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return result
            case UInt8(ascii: "\\"):
                result.unicodeScalars.append(try escape())
            case 0..<0x20:
                throw JSONLineFailure("control character in a string at column \(position)")
            default:
                let chunkStart = position - 1
                while let next = peek(), next >= 0x20, next != UInt8(ascii: "\""),
                    next != UInt8(ascii: "\\")
                {
                    position += 1
                }
                result += text(chunkStart..<position)
            }
        }
        throw JSONLineFailure("unterminated string")
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    private mutating func escape() throws(JSONLineFailure) -> Unicode.Scalar {
        guard let byte = peek() else { throw JSONLineFailure("unterminated string") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            guard let code = fourHexDigits(in: bytes, at: position) else {
                throw JSONLineFailure("bad \\u escape at column \(position)")
            }
            position += 4
            // Surrogate pairs are not worth the code here: error texts are ASCII in practice.
            return Unicode.Scalar(code) ?? "\u{FFFD}"
        default:
            throw JSONLineFailure(
                "bad escape '\\\(Character(Unicode.Scalar(byte)))' at column \(position)"
            )
        }
    }
}

/// A line's fields in order, looked up by name.
struct JSONLineFields {
    var fields: [(name: String, value: JSONLineValue)] = []

    subscript(name: String) -> JSONLineValue? {
        fields.first { $0.name == name }?.value
    }
}

/// Why a line is not the JSON shape the scanner accepts.
struct JSONLineFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// The value of the four hex digits at `position` of `bytes` (a `\u` escape's, in JSON and
/// EDN strings), or nil when there are not four.
func fourHexDigits(in bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> UInt32? {
    guard position >= 0, position + 4 <= bytes.count else { return nil }
    let digits = UnsafeBufferPointer(rebasing: bytes[position..<position + 4])
    guard digits.allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }) else { return nil }
    return UInt32(String(decoding: digits, as: UTF8.self), radix: 16)
}
