// TigerBeetle's 128-byte `Transfer` (an extern struct, little endian): the event of
// create_transfers and the result of lookup_transfers.
//
//   @0 id u128 · @16 debit_account_id u128 · @32 credit_account_id u128 · @48 amount u128 ·
//   @64 pending_id u128 · @80 user_data_128 u128 · @96 user_data_64 u64 ·
//   @104 user_data_32 u32 · @108 timeout u32 · @112 ledger u32 · @116 code u16 ·
//   @118 flags u16 · @120 timestamp u64

/// A transfer between two accounts in TigerBeetle's layout, with a 128-bit amount.
public struct Transfer: Sendable, Hashable {
    /// The size of the layout on the wire.
    public static let byteCount = 128

    /// The transfer's id (never 0 or 2^128-1 for a valid transfer).
    public var id: UInt128
    /// The account debited.
    public var debitAccountID: UInt128
    /// The account credited.
    public var creditAccountID: UInt128
    /// The amount moved.
    public var amount: UInt128
    /// For post/void: the pending transfer this one resolves.
    public var pendingID: UInt128
    /// Opaque user data.
    public var userData128: UInt128
    /// Opaque user data.
    public var userData64: UInt64
    /// Opaque user data.
    public var userData32: UInt32
    /// For pending transfers: seconds until the reservation expires (0 = never).
    public var timeout: UInt32
    /// The ledger (currency); must match both accounts'.
    public var ledger: UInt32
    /// The reason code.
    public var code: UInt16
    /// The transfer's flags.
    public var flags: TransferFlags
    /// Set by the cluster when the transfer is created (nanoseconds, unique, increasing).
    public var timestamp: UInt64

    /// A transfer; every field defaults to zero.
    public init(
        id: UInt128 = 0,
        debitAccountID: UInt128 = 0,
        creditAccountID: UInt128 = 0,
        amount: UInt128 = 0,
        pendingID: UInt128 = 0,
        userData128: UInt128 = 0,
        userData64: UInt64 = 0,
        userData32: UInt32 = 0,
        timeout: UInt32 = 0,
        ledger: UInt32 = 0,
        code: UInt16 = 0,
        flags: TransferFlags = [],
        timestamp: UInt64 = 0
    ) {
        self.id = id
        self.debitAccountID = debitAccountID
        self.creditAccountID = creditAccountID
        self.amount = amount
        self.pendingID = pendingID
        self.userData128 = userData128
        self.userData64 = userData64
        self.userData32 = userData32
        self.timeout = timeout
        self.ledger = ledger
        self.code = code
        self.flags = flags
        self.timestamp = timestamp
    }

    /// Appends the transfer's 128 bytes to `bytes`.
    public func encode(into bytes: inout [UInt8]) {
        bytes.appendLayout(Self.byteCount) { write(to: $0) }
    }

    /// Writes the transfer's 128 bytes at `pointer`.
    @inline(__always)
    func write(to pointer: UnsafeMutableRawPointer) {
        pointer.storeLittleEndian(id, at: 0)
        pointer.storeLittleEndian(debitAccountID, at: 16)
        pointer.storeLittleEndian(creditAccountID, at: 32)
        pointer.storeLittleEndian(amount, at: 48)
        pointer.storeLittleEndian(pendingID, at: 64)
        pointer.storeLittleEndian(userData128, at: 80)
        pointer.storeLittleEndian(userData64, at: 96)
        pointer.storeLittleEndian(userData32, at: 104)
        pointer.storeLittleEndian(timeout, at: 108)
        pointer.storeLittleEndian(ledger, at: 112)
        pointer.storeLittleEndian(code, at: 116)
        pointer.storeLittleEndian(flags.rawValue, at: 118)
        pointer.storeLittleEndian(timestamp, at: 120)
    }

    /// Decodes a transfer from exactly 128 bytes.
    public init(decoding bytes: ArraySlice<UInt8>) throws(ProtocolError) {
        try requireByteCount(bytes, Self.byteCount, "a Transfer")
        self = bytes.withUnsafeBytes { Self.load(from: $0, at: 0) }
    }

    /// Reads a transfer at `offset` of `raw` (the caller checked the size).
    @inline(__always)
    static func load(from raw: UnsafeRawBufferPointer, at offset: Int) -> Self {
        Transfer(
            id: raw.littleEndian(at: offset, as: UInt128.self),
            debitAccountID: raw.littleEndian(at: offset + 16, as: UInt128.self),
            creditAccountID: raw.littleEndian(at: offset + 32, as: UInt128.self),
            amount: raw.littleEndian(at: offset + 48, as: UInt128.self),
            pendingID: raw.littleEndian(at: offset + 64, as: UInt128.self),
            userData128: raw.littleEndian(at: offset + 80, as: UInt128.self),
            userData64: raw.littleEndian(at: offset + 96, as: UInt64.self),
            userData32: raw.littleEndian(at: offset + 104, as: UInt32.self),
            timeout: raw.littleEndian(at: offset + 108, as: UInt32.self),
            ledger: raw.littleEndian(at: offset + 112, as: UInt32.self),
            code: raw.littleEndian(at: offset + 116, as: UInt16.self),
            flags: TransferFlags(rawValue: raw.littleEndian(at: offset + 118, as: UInt16.self)),
            timestamp: raw.littleEndian(at: offset + 120, as: UInt64.self)
        )
    }
}
