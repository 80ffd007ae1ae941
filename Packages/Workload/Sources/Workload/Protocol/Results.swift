// The results of create operations: the dense 16-byte `CreateResult` (one per event, TigerBeetle
// ≥ 0.17.0) and the sparse 8-byte `ErrorResult` (failures only, older drivers).
//
//   CreateResult: @0 timestamp u64 · @8 status u32 · @12 reserved u32
//   ErrorResult:  @0 index u32 · @4 status u32

/// The result of one event of create_accounts or create_transfers.
public struct CreateResult: Sendable, Hashable {
    /// The size of the layout on the wire.
    public static let byteCount = 16

    /// The timestamp the cluster gave the object (for `created` and `exists`), else 0.
    public var timestamp: UInt64
    /// A `CreateAccountStatus` or `CreateTransferStatus` raw value (`created` = 0xFFFF_FFFF).
    public var status: UInt32
    /// Must be zero.
    public var reserved: UInt32

    /// A result; `reserved` defaults to zero.
    public init(timestamp: UInt64, status: UInt32, reserved: UInt32 = 0) {
        self.timestamp = timestamp
        self.status = status
        self.reserved = reserved
    }

    /// The status read as an account status, nil if the value is unknown.
    public var accountStatus: CreateAccountStatus? { CreateAccountStatus(rawValue: status) }
    /// The status read as a transfer status, nil if the value is unknown.
    public var transferStatus: CreateTransferStatus? { CreateTransferStatus(rawValue: status) }

    /// Appends the result's 16 bytes to `bytes`.
    public func encode(into bytes: inout [UInt8]) {
        bytes.appendLayout(Self.byteCount) { write(to: $0) }
    }

    /// Writes the result's 16 bytes at `pointer`.
    @inline(__always)
    func write(to pointer: UnsafeMutableRawPointer) {
        pointer.storeLittleEndian(timestamp, at: 0)
        pointer.storeLittleEndian(status, at: 8)
        pointer.storeLittleEndian(reserved, at: 12)
    }

    /// Decodes a result from exactly 16 bytes.
    public init(decoding bytes: ArraySlice<UInt8>) throws(ProtocolError) {
        try requireByteCount(bytes, Self.byteCount, "a CreateResult")
        self = bytes.withUnsafeBytes { Self.load(from: $0, at: 0) }
    }

    /// Reads a result at `offset` of `raw` (the caller checked the size).
    @inline(__always)
    static func load(from raw: UnsafeRawBufferPointer, at offset: Int) -> Self {
        CreateResult(
            timestamp: raw.littleEndian(at: offset, as: UInt64.self),
            status: raw.littleEndian(at: offset + 8, as: UInt32.self),
            reserved: raw.littleEndian(at: offset + 12, as: UInt32.self)
        )
    }
}

/// One failed event of a sparse create (`create_accounts_sparse`, `create_transfers_sparse`):
/// events not listed were created.
public struct ErrorResult: Sendable, Hashable {
    /// The size of the layout on the wire.
    public static let byteCount = 8

    /// The index of the failed event within the request.
    public var index: UInt32
    /// A `CreateAccountStatus` or `CreateTransferStatus` raw value.
    public var status: UInt32

    /// A failure of event `index` with `status`.
    public init(index: UInt32, status: UInt32) {
        self.index = index
        self.status = status
    }

    /// Appends the result's 8 bytes to `bytes`.
    public func encode(into bytes: inout [UInt8]) {
        bytes.appendLayout(Self.byteCount) { write(to: $0) }
    }

    /// Writes the result's 8 bytes at `pointer`.
    @inline(__always)
    func write(to pointer: UnsafeMutableRawPointer) {
        pointer.storeLittleEndian(index, at: 0)
        pointer.storeLittleEndian(status, at: 4)
    }

    /// Decodes a result from exactly 8 bytes.
    public init(decoding bytes: ArraySlice<UInt8>) throws(ProtocolError) {
        try requireByteCount(bytes, Self.byteCount, "an ErrorResult")
        self = bytes.withUnsafeBytes { Self.load(from: $0, at: 0) }
    }

    /// Reads a result at `offset` of `raw` (the caller checked the size).
    @inline(__always)
    static func load(from raw: UnsafeRawBufferPointer, at offset: Int) -> Self {
        ErrorResult(
            index: raw.littleEndian(at: offset, as: UInt32.self),
            status: raw.littleEndian(at: offset + 4, as: UInt32.self)
        )
    }
}
