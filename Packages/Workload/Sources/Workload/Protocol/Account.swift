// TigerBeetle's 128-byte `Account` (an extern struct, little endian): the event of
// create_accounts and the result of lookup_accounts.
//
//   @0 id u128 · @16 debits_pending u128 · @32 debits_posted u128 · @48 credits_pending u128 ·
//   @64 credits_posted u128 · @80 user_data_128 u128 · @96 user_data_64 u64 ·
//   @104 user_data_32 u32 · @108 reserved u32 · @112 ledger u32 · @116 code u16 ·
//   @118 flags u16 · @120 timestamp u64

/// A ledger account in TigerBeetle's layout, with 128-bit balances.
public struct Account: Sendable, Hashable {
    /// The size of the layout on the wire.
    public static let byteCount = 128

    /// The account's id (never 0 or 2^128-1 for a valid account).
    public var id: UInt128
    /// Sum of pending (reserved) debits.
    public var debitsPending: UInt128
    /// Sum of posted debits.
    public var debitsPosted: UInt128
    /// Sum of pending (reserved) credits.
    public var creditsPending: UInt128
    /// Sum of posted credits.
    public var creditsPosted: UInt128
    /// Opaque user data.
    public var userData128: UInt128
    /// Opaque user data.
    public var userData64: UInt64
    /// Opaque user data.
    public var userData32: UInt32
    /// Must be zero.
    public var reserved: UInt32
    /// The ledger (currency) the account belongs to.
    public var ledger: UInt32
    /// The chart-of-accounts code.
    public var code: UInt16
    /// The account's flags.
    public var flags: AccountFlags
    /// Set by the cluster when the account is created (nanoseconds, unique, increasing).
    public var timestamp: UInt64

    /// An account; every field defaults to zero.
    public init(
        id: UInt128 = 0,
        debitsPending: UInt128 = 0,
        debitsPosted: UInt128 = 0,
        creditsPending: UInt128 = 0,
        creditsPosted: UInt128 = 0,
        userData128: UInt128 = 0,
        userData64: UInt64 = 0,
        userData32: UInt32 = 0,
        reserved: UInt32 = 0,
        ledger: UInt32 = 0,
        code: UInt16 = 0,
        flags: AccountFlags = [],
        timestamp: UInt64 = 0
    ) {
        self.id = id
        self.debitsPending = debitsPending
        self.debitsPosted = debitsPosted
        self.creditsPending = creditsPending
        self.creditsPosted = creditsPosted
        self.userData128 = userData128
        self.userData64 = userData64
        self.userData32 = userData32
        self.reserved = reserved
        self.ledger = ledger
        self.code = code
        self.flags = flags
        self.timestamp = timestamp
    }

    /// Appends the account's 128 bytes to `bytes`.
    public func encode(into bytes: inout [UInt8]) {
        bytes.appendLayout(Self.byteCount) { write(to: $0) }
    }

    /// Writes the account's 128 bytes at `pointer`.
    @inline(__always)
    func write(to pointer: UnsafeMutableRawPointer) {
        pointer.storeLittleEndian(id, at: 0)
        pointer.storeLittleEndian(debitsPending, at: 16)
        pointer.storeLittleEndian(debitsPosted, at: 32)
        pointer.storeLittleEndian(creditsPending, at: 48)
        pointer.storeLittleEndian(creditsPosted, at: 64)
        pointer.storeLittleEndian(userData128, at: 80)
        pointer.storeLittleEndian(userData64, at: 96)
        pointer.storeLittleEndian(userData32, at: 104)
        pointer.storeLittleEndian(reserved, at: 108)
        pointer.storeLittleEndian(ledger, at: 112)
        pointer.storeLittleEndian(code, at: 116)
        pointer.storeLittleEndian(flags.rawValue, at: 118)
        pointer.storeLittleEndian(timestamp, at: 120)
    }

    /// Decodes an account from exactly 128 bytes.
    public init(decoding bytes: ArraySlice<UInt8>) throws(ProtocolError) {
        try requireByteCount(bytes, Self.byteCount, "an Account")
        self = bytes.withUnsafeBytes { Self.load(from: $0, at: 0) }
    }

    /// Reads an account at `offset` of `raw` (the caller checked the size).
    @inline(__always)
    static func load(from raw: UnsafeRawBufferPointer, at offset: Int) -> Self {
        Account(
            id: raw.littleEndian(at: offset, as: UInt128.self),
            debitsPending: raw.littleEndian(at: offset + 16, as: UInt128.self),
            debitsPosted: raw.littleEndian(at: offset + 32, as: UInt128.self),
            creditsPending: raw.littleEndian(at: offset + 48, as: UInt128.self),
            creditsPosted: raw.littleEndian(at: offset + 64, as: UInt128.self),
            userData128: raw.littleEndian(at: offset + 80, as: UInt128.self),
            userData64: raw.littleEndian(at: offset + 96, as: UInt64.self),
            userData32: raw.littleEndian(at: offset + 104, as: UInt32.self),
            reserved: raw.littleEndian(at: offset + 108, as: UInt32.self),
            ledger: raw.littleEndian(at: offset + 112, as: UInt32.self),
            code: raw.littleEndian(at: offset + 116, as: UInt16.self),
            flags: AccountFlags(rawValue: raw.littleEndian(at: offset + 118, as: UInt16.self)),
            timestamp: raw.littleEndian(at: offset + 120, as: UInt64.self)
        )
    }
}
