// Little-endian integer reading and writing for the fixed layouts of the driver protocol. The
// protocol is little endian on every platform (TigerBeetle only runs on little-endian machines),
// so values are converted explicitly rather than copied in host order.

extension Array where Element == UInt8 {
    /// Appends `value` in little-endian byte order.
    @inline(__always)
    mutating func appendLittleEndian<Value: FixedWidthInteger>(_ value: Value) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// Appends `count` zero bytes.
    @inline(__always)
    mutating func appendZeros(_ count: Int) {
        append(contentsOf: repeatElement(0, count: count))
    }
}

extension UnsafeRawBufferPointer {
    /// The little-endian integer at `offset` (any alignment).
    @inline(__always)
    func littleEndian<Value: FixedWidthInteger>(at offset: Int, as type: Value.Type) -> Value {
        Value(littleEndian: loadUnaligned(fromByteOffset: offset, as: Value.self))
    }
}

/// Checks that `bytes` holds exactly `expected` bytes of a `layout`.
func requireByteCount(
    _ bytes: ArraySlice<UInt8>,
    _ expected: Int,
    _ layout: String
) throws(ProtocolError) {
    if bytes.count < expected {
        throw ProtocolError(
            .truncated,
            "\(layout) needs \(expected) bytes, got \(bytes.count)"
        )
    }
    if bytes.count > expected {
        throw ProtocolError(
            .trailingBytes,
            "\(layout) is \(expected) bytes, got \(bytes.count)"
        )
    }
}
