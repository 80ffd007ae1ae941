// The operation byte of a driver request and the sizes it implies. The values are TigerBeetle's
// `Operation` enum (vsr_operations_reserved = 128), so the original vortex drivers (Zig, Java,
// Rust) understand every request this package writes.

/// The operation a driver request asks for: the first byte of every request.
public enum Operation: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Create accounts; the reply lists only the failures (`ErrorResult`). Drivers before 0.17.0.
    case createAccountsSparse = 138
    /// Create transfers; the reply lists only the failures (`ErrorResult`). Drivers before 0.17.0.
    case createTransfersSparse = 139
    /// Look accounts up by id; the reply lists the accounts found.
    case lookupAccounts = 140
    /// Look transfers up by id; the reply lists the transfers found.
    case lookupTransfers = 141
    /// Create accounts; the reply has one `CreateResult` per event.
    case createAccounts = 146
    /// Create transfers; the reply has one `CreateResult` per event.
    case createTransfers = 147

    /// The size in bytes of one event of a request with this operation.
    public var eventByteCount: Int {
        switch self {
        case .createAccounts, .createAccountsSparse: Account.byteCount
        case .createTransfers, .createTransfersSparse: Transfer.byteCount
        case .lookupAccounts, .lookupTransfers: 16
        }
    }

    /// The size in bytes of one result of a reply to this operation.
    public var resultByteCount: Int {
        switch self {
        case .createAccounts, .createTransfers: CreateResult.byteCount
        case .createAccountsSparse, .createTransfersSparse: ErrorResult.byteCount
        case .lookupAccounts: Account.byteCount
        case .lookupTransfers: Transfer.byteCount
        }
    }

    /// True when the reply carries exactly one result per event (the dense create operations);
    /// false when it carries at most one per event (lookups and sparse creates).
    public var hasOneResultPerEvent: Bool {
        switch self {
        case .createAccounts, .createTransfers: true
        case .createAccountsSparse, .createTransfersSparse, .lookupAccounts, .lookupTransfers:
            false
        }
    }

    /// The operation's name as the original vortex logs it (`create_accounts`, …).
    public var description: String {
        switch self {
        case .createAccountsSparse: "create_accounts_sparse"
        case .createTransfersSparse: "create_transfers_sparse"
        case .lookupAccounts: "lookup_accounts"
        case .lookupTransfers: "lookup_transfers"
        case .createAccounts: "create_accounts"
        case .createTransfers: "create_transfers"
        }
    }
}

/// Limits of the driver protocol shared by both ends.
public enum DriverProtocol {
    /// The most events one request may carry: TigerBeetle's batch limit (8189 × 128 B fits one
    /// 1 MiB message), which the original vortex also uses.
    public static let maximumEventsPerRequest = 8189
    /// The size of a request header: `u8 operation, u32 event count (little endian)`.
    public static let requestHeaderByteCount = 5
    /// The size of a reply header: `u32 result count (little endian)`.
    public static let replyHeaderByteCount = 4
}
