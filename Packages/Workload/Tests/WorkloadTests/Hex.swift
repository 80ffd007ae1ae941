// Hex helpers for golden-byte tests: expected layouts are written out by hand as hex, field by
// field, so a test compares the codec against bytes nobody computed with the codec itself.

/// Bytes from hex text; spaces and newlines are ignored.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = text.filter { !$0.isWhitespace }
    precondition(digits.count.isMultiple(of: 2), "odd number of hex digits")
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        guard let byte = UInt8(digits[index..<next], radix: 16) else {
            preconditionFailure("not hex: \(digits[index..<next])")
        }
        bytes.append(byte)
        index = next
    }
    return bytes
}

/// `count` zero bytes as hex.
func zeroHex(_ count: Int) -> String {
    String(repeating: "00", count: count)
}
