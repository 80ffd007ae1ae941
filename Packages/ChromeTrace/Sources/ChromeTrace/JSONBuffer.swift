// The bytes of events not yet written to the trace file, and the JSON text primitives that fill
// them: integers, doubles, exactly escaped strings. One heap block is allocated when the writer
// opens and reused for the whole run, so writing an event allocates nothing; the block grows only
// if a single event is larger than the slack left above the flush threshold.

/// A growable byte buffer that owns its storage and appends JSON text.
struct JSONBuffer: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var count: Int = 0
    /// The second (since the epoch) whose text `wallClockPrefix` holds; see WallClockText.swift.
    var wallClockCachedSecond = Int64.min
    /// `"YYYY-MM-DDTHH:MM:SS.` of `wallClockCachedSecond`: 21 bytes of 24.
    var wallClockPrefix: (UInt64, UInt64, UInt64) = (0, 0, 0)

    init(capacity: Int) {
        precondition(capacity > 0, "buffer capacity must be positive")
        self.base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    deinit {
        base.deallocate()
    }

    var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base, count: count)
    }

    mutating func removeAll() {
        count = 0
    }

    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity {
            grow(toAtLeast: count + extra)
        }
    }

    private mutating func grow(toAtLeast needed: Int) {
        precondition(needed > capacity, "grow called without need")
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Marks `length` bytes, written at `base + count` after a `reserve`, as appended.
    mutating func advance(by length: Int) {
        precondition(length >= 0, "negative advance")
        precondition(count + length <= capacity, "advance past the reserved space")
        count += length
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    /// Appends bytes that are known to be valid JSON text already (keys, punctuation).
    @inline(__always)
    mutating func append(raw text: StaticString) {
        precondition(text.hasPointerRepresentation, "raw JSON text must be a literal")
        append(raw: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func append(raw bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    /// Appends `value` in decimal.
    mutating func append(int value: Int) {
        append(magnitude: UInt64(value.magnitude), isNegative: value < 0)
    }

    /// Appends `value` in decimal.
    mutating func append(unsigned value: UInt64) {
        append(magnitude: value, isNegative: false)
    }

    private mutating func append(magnitude: UInt64, isNegative: Bool) {
        reserve(21)  // a sign and at most 20 digits
        if isNegative {
            base[count] = UInt8(ascii: "-")
            count += 1
        }
        var digitCount = 0
        var remaining = magnitude
        repeat {
            digitCount += 1
            remaining /= 10
        } while remaining != 0
        remaining = magnitude
        for position in stride(from: digitCount - 1, through: 0, by: -1) {
            base[count + position] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
        count += digitCount
    }

    /// Appends `value` as a JSON number, or `null` when it is NaN or infinite.
    mutating func append(double value: Double) {
        guard value.isFinite else {
            append(raw: "null")
            return
        }
        // Shortest round-trip text ("0.25", "1e-05"), always a valid JSON number, formatted by
        // the standard library into a stack buffer: `description` would allocate a String for
        // texts longer than 15 bytes.
        var text = ASCIIScratch()
        value.write(to: &text)
        text.withBytes { append(raw: $0) }
    }

    /// Appends `string` as a quoted JSON string, escaped as Python's `json.dumps` does with
    /// `ensure_ascii`: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other bytes below 0x20 and
    /// 0x7F as `\u00XX`, and every non-ASCII scalar as `\uXXXX` (a surrogate pair above
    /// U+FFFF), so the file is pure ASCII.
    mutating func append(string: String) {
        var string = string
        string.withUTF8 { append(quotedUTF8: $0) }
    }

    private mutating func append(quotedUTF8 utf8: UnsafeBufferPointer<UInt8>) {
        reserve(utf8.count + 2)
        append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            append(raw: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            if byte < 0x80 {
                append(escapedASCII: byte)
                index += 1
            } else {
                let (scalar, length) = Self.decodeScalar(utf8, at: index)
                append(escapedScalar: scalar)
                index += length
            }
            runStart = index
        }
        append(raw: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
        append(UInt8(ascii: "\""))
    }

    private mutating func append(escapedASCII byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append(raw: "\\\"")
        case UInt8(ascii: "\\"): append(raw: "\\\\")
        case 0x08: append(raw: "\\b")
        case 0x0C: append(raw: "\\f")
        case 0x0A: append(raw: "\\n")
        case 0x0D: append(raw: "\\r")
        case 0x09: append(raw: "\\t")
        default: append(unicodeEscape: UInt16(byte))
        }
    }

    private mutating func append(escapedScalar scalar: UInt32) {
        if scalar < 0x1_0000 {
            append(unicodeEscape: UInt16(scalar))
        } else {
            let offset = scalar - 0x1_0000
            append(unicodeEscape: UInt16(0xD800 + (offset >> 10)))
            append(unicodeEscape: UInt16(0xDC00 + (offset & 0x3FF)))
        }
    }

    /// Appends `\uXXXX` with lowercase hex digits.
    private mutating func append(unicodeEscape unit: UInt16) {
        reserve(6)
        let hexDigits: StaticString = "0123456789abcdef"
        let hex = hexDigits.utf8Start
        base[count] = UInt8(ascii: "\\")
        base[count + 1] = UInt8(ascii: "u")
        base[count + 2] = hex[Int(unit >> 12)]
        base[count + 3] = hex[Int((unit >> 8) & 0xF)]
        base[count + 4] = hex[Int((unit >> 4) & 0xF)]
        base[count + 5] = hex[Int(unit & 0xF)]
        count += 6
    }

    /// Decodes the scalar starting at `index` of valid UTF-8 (a Swift string's storage is
    /// always valid UTF-8) and returns it with its length in bytes.
    private static func decodeScalar(
        _ utf8: UnsafeBufferPointer<UInt8>,
        at index: Int
    ) -> (scalar: UInt32, length: Int) {
        let lead = UInt32(utf8[index])
        let length: Int
        var scalar: UInt32
        switch lead {
        case 0xC0..<0xE0:
            length = 2
            scalar = lead & 0x1F
        case 0xE0..<0xF0:
            length = 3
            scalar = lead & 0x0F
        default:
            length = 4
            scalar = lead & 0x07
        }
        precondition(index + length <= utf8.count, "truncated UTF-8 in a Swift string")
        for offset in 1..<length {
            scalar = (scalar << 6) | (UInt32(utf8[index + offset]) & 0x3F)
        }
        return (scalar, length)
    }
}

/// Up to 48 bytes of ASCII text on the stack: where a number's text is formatted before it is
/// copied into the buffer. `_writeASCII` is the entry the standard library's float formatting
/// calls, so formatting a double allocates nothing.
private struct ASCIIScratch: TextOutputStream {
    private static let capacity = 48
    private var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
    private var count = 0

    mutating func write(_ string: String) {
        for byte in string.utf8 {
            append(byte)
        }
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        for byte in buffer {
            append(byte)
        }
    }

    private mutating func append(_ byte: UInt8) {
        precondition(count < Self.capacity, "number text longer than \(Self.capacity) bytes")
        let index = count
        withUnsafeMutableBytes(of: &storage) { $0[index] = byte }
        count += 1
    }

    func withBytes(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        withUnsafeBytes(of: storage) { raw in
            body(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[..<count]))
        }
    }
}
