// Little-endian integer reading and writing for the fixed layouts of the driver protocol. The
// protocol is little endian on every platform (TigerBeetle only runs on little-endian machines),
// so values are converted explicitly rather than copied in host order.

extension Array where Element == UInt8 {
    /// Appends `count` bytes written by `write` (given the address of the first).
    @inline(__always)
    mutating func appendLayout(_ count: Int, _ write: (UnsafeMutableRawPointer) -> Void) {
        let start = self.count
        append(contentsOf: repeatElement(0, count: count))
        withUnsafeMutableBytes { bytes in
            guard let base = bytes.baseAddress else { preconditionFailure("empty after append") }
            write(base + start)
        }
    }

    /// A new array of exactly `count` bytes, all written by `write` (given the first address).
    @inline(__always)
    static func writing(_ count: Int, _ write: (UnsafeMutableRawPointer) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            if let base = buffer.baseAddress { write(UnsafeMutableRawPointer(base)) }
            initializedCount = count
        }
    }
}

extension UnsafeMutableRawPointer {
    /// Stores `value` little endian at `offset` (any alignment).
    @inline(__always)
    func storeLittleEndian<Value: FixedWidthInteger>(_ value: Value, at offset: Int) {
        storeBytes(of: value.littleEndian, toByteOffset: offset, as: Value.self)
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
