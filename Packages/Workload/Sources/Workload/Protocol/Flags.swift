// TigerBeetle's account and transfer flag bits (u16 at byte 118 of both layouts). Unknown bits
// are kept as they are, so a reply with a newer flag still round-trips unchanged.

/// The flags of an `Account`: TigerBeetle's `AccountFlags` bits.
public struct AccountFlags: OptionSet, Sendable, Hashable {
    /// The raw u16 as on the wire.
    public let rawValue: UInt16

    /// Flags from their raw u16.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// Bit 0: this event and the next succeed or fail together.
    public static let linked = AccountFlags(rawValue: 1 << 0)
    /// Bit 1: debits (pending + posted) may never exceed posted credits.
    public static let debitsMustNotExceedCredits = AccountFlags(rawValue: 1 << 1)
    /// Bit 2: credits (pending + posted) may never exceed posted debits.
    public static let creditsMustNotExceedDebits = AccountFlags(rawValue: 1 << 2)
    /// Bit 3: the account keeps a balance history.
    public static let history = AccountFlags(rawValue: 1 << 3)
    /// Bit 4: the event carries its own timestamp (data import).
    public static let imported = AccountFlags(rawValue: 1 << 4)
    /// Bit 5: the account is closed and accepts no further transfers.
    public static let closed = AccountFlags(rawValue: 1 << 5)
}

/// The flags of a `Transfer`: TigerBeetle's `TransferFlags` bits.
public struct TransferFlags: OptionSet, Sendable, Hashable {
    /// The raw u16 as on the wire.
    public let rawValue: UInt16

    /// Flags from their raw u16.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// Bit 0: this event and the next succeed or fail together.
    public static let linked = TransferFlags(rawValue: 1 << 0)
    /// Bit 1: a two-phase transfer that reserves the amount.
    public static let pending = TransferFlags(rawValue: 1 << 1)
    /// Bit 2: posts the pending transfer named by `pendingID`.
    public static let postPendingTransfer = TransferFlags(rawValue: 1 << 2)
    /// Bit 3: voids the pending transfer named by `pendingID`.
    public static let voidPendingTransfer = TransferFlags(rawValue: 1 << 3)
    /// Bit 4: the amount is capped at what the debit account can afford.
    public static let balancingDebit = TransferFlags(rawValue: 1 << 4)
    /// Bit 5: the amount is capped at what the credit account can accept.
    public static let balancingCredit = TransferFlags(rawValue: 1 << 5)
    /// Bit 6: closes the debit account (pending transfers only).
    public static let closingDebit = TransferFlags(rawValue: 1 << 6)
    /// Bit 7: closes the credit account (pending transfers only).
    public static let closingCredit = TransferFlags(rawValue: 1 << 7)
    /// Bit 8: the event carries its own timestamp (data import).
    public static let imported = TransferFlags(rawValue: 1 << 8)
}
