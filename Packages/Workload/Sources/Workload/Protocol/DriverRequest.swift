// A request from vortex to a driver, as it crosses the driver's stdin:
//   u8 operation · u32 event count (little endian) · count × event
// Events are `Account`s or `Transfer`s (128 B) for creates and u128 ids (16 B) for lookups.

/// The events of a request, typed by layout.
public enum RequestEvents: Sendable, Hashable {
    /// Accounts to create.
    case accounts([Account])
    /// Transfers to create.
    case transfers([Transfer])
    /// Ids to look up.
    case ids([UInt128])

    /// How many events there are.
    public var count: Int {
        switch self {
        case .accounts(let accounts): accounts.count
        case .transfers(let transfers): transfers.count
        case .ids(let ids): ids.count
        }
    }
}

/// One request to a driver: an operation and its events.
public struct DriverRequest: Sendable, Hashable {
    /// What the driver is asked to do.
    public let operation: Operation
    /// The events, in the layout `operation` needs.
    public let events: RequestEvents

    /// A request; throws when the events do not fit the operation.
    public init(operation: Operation, events: RequestEvents) throws(ProtocolError) {
        switch (operation, events) {
        case (.createAccounts, .accounts), (.createAccountsSparse, .accounts),
            (.createTransfers, .transfers), (.createTransfersSparse, .transfers),
            (.lookupAccounts, .ids), (.lookupTransfers, .ids):
            break
        default:
            throw ProtocolError(
                .eventsDoNotMatchOperation,
                "\(operation) cannot carry these events"
            )
        }
        self.operation = operation
        self.events = events
    }

    private init(unchecked operation: Operation, _ events: RequestEvents) {
        self.operation = operation
        self.events = events
    }

    /// A create_accounts (or create_accounts_sparse) request.
    public static func createAccounts(_ accounts: [Account], sparse: Bool = false) -> Self {
        Self(unchecked: sparse ? .createAccountsSparse : .createAccounts, .accounts(accounts))
    }

    /// A create_transfers (or create_transfers_sparse) request.
    public static func createTransfers(_ transfers: [Transfer], sparse: Bool = false) -> Self {
        Self(unchecked: sparse ? .createTransfersSparse : .createTransfers, .transfers(transfers))
    }

    /// A lookup_accounts request.
    public static func lookupAccounts(_ ids: [UInt128]) -> Self {
        Self(unchecked: .lookupAccounts, .ids(ids))
    }

    /// A lookup_transfers request.
    public static func lookupTransfers(_ ids: [UInt128]) -> Self {
        Self(unchecked: .lookupTransfers, .ids(ids))
    }

    /// How many events the request carries.
    public var eventCount: Int { events.count }

    /// The size of the encoded request in bytes.
    public var byteCount: Int {
        DriverProtocol.requestHeaderByteCount + eventCount * operation.eventByteCount
    }

    /// The request's bytes: header and events.
    public func encode() -> [UInt8] {
        precondition(eventCount <= UInt32.max, "a request holds at most 2^32-1 events")
        return [UInt8].writing(byteCount) { pointer in
            pointer.storeBytes(of: operation.rawValue, as: UInt8.self)
            pointer.storeLittleEndian(UInt32(eventCount), at: 1)
            var event = pointer + DriverProtocol.requestHeaderByteCount
            switch events {
            case .accounts(let accounts):
                for account in accounts {
                    account.write(to: event)
                    event += Account.byteCount
                }
            case .transfers(let transfers):
                for transfer in transfers {
                    transfer.write(to: event)
                    event += Transfer.byteCount
                }
            case .ids(let ids):
                for id in ids {
                    event.storeLittleEndian(id, at: 0)
                    event += 16
                }
            }
        }
    }

    /// Appends the request's bytes (header and events) to `bytes`.
    public func encode(into bytes: inout [UInt8]) {
        bytes.append(contentsOf: encode())
    }

    /// Decodes one whole request (header and events, nothing more).
    public static func decode(_ bytes: ArraySlice<UInt8>) throws(ProtocolError) -> Self {
        let header = try RequestHeader(
            decoding: bytes.prefix(DriverProtocol.requestHeaderByteCount)
        )
        return try decode(
            operation: header.operation,
            count: header.eventCount,
            payload: bytes.dropFirst(DriverProtocol.requestHeaderByteCount)
        )
    }

    /// Decodes the events of a request whose header has been read already.
    public static func decode(
        operation: Operation,
        count: Int,
        payload: ArraySlice<UInt8>
    ) throws(ProtocolError) -> Self {
        try requireByteCount(
            payload,
            count * operation.eventByteCount,
            "the events of \(operation) with count \(count)"
        )
        switch operation {
        case .createAccounts, .createAccountsSparse:
            return Self(unchecked: operation, .accounts(try DriverProtocol.decodeAccounts(payload)))
        case .createTransfers, .createTransfersSparse:
            return Self(
                unchecked: operation,
                .transfers(try DriverProtocol.decodeTransfers(payload))
            )
        case .lookupAccounts, .lookupTransfers:
            return Self(unchecked: operation, .ids(try DriverProtocol.decodeIDs(payload)))
        }
    }

    /// The whole create_accounts request for `accounts`.
    public static func encodeCreateAccounts(_ accounts: [Account], sparse: Bool = false) -> [UInt8]
    {
        createAccounts(accounts, sparse: sparse).encode()
    }

    /// The whole create_transfers request for `transfers`.
    public static func encodeCreateTransfers(
        _ transfers: [Transfer],
        sparse: Bool = false
    ) -> [UInt8] {
        createTransfers(transfers, sparse: sparse).encode()
    }

    /// The whole lookup request (`lookupAccounts` or `lookupTransfers`) for `ids`.
    public static func encodeLookup(
        _ ids: [UInt128],
        operation: Operation = .lookupAccounts
    ) -> [UInt8] {
        precondition(
            operation == .lookupAccounts || operation == .lookupTransfers,
            "encodeLookup needs a lookup operation"
        )
        return Self(unchecked: operation, .ids(ids)).encode()
    }
}

/// The 5-byte header of a request.
public struct RequestHeader: Sendable, Hashable {
    /// The operation.
    public let operation: Operation
    /// The number of events that follow.
    public let eventCount: Int

    /// Decodes the 5 header bytes; throws for an unknown operation byte.
    public init(decoding bytes: ArraySlice<UInt8>) throws(ProtocolError) {
        try requireByteCount(bytes, DriverProtocol.requestHeaderByteCount, "a request header")
        let operationByte = bytes[bytes.startIndex]
        guard let operation = Operation(rawValue: operationByte) else {
            throw ProtocolError(.unknownOperation, "unknown operation byte \(operationByte)")
        }
        self.operation = operation
        self.eventCount = Int(
            bytes.dropFirst().withUnsafeBytes { $0.littleEndian(at: 0, as: UInt32.self) }
        )
    }

    /// The size of the events that follow, in bytes.
    public var payloadByteCount: Int { eventCount * operation.eventByteCount }
}

extension DriverProtocol {
    /// Decodes a whole number of 128-byte accounts.
    public static func decodeAccounts(_ bytes: ArraySlice<UInt8>) throws(ProtocolError) -> [Account]
    {
        try decodeArray(bytes, Account.byteCount, "accounts", Account.load)
    }

    /// Decodes a whole number of 128-byte transfers.
    public static func decodeTransfers(
        _ bytes: ArraySlice<UInt8>
    ) throws(ProtocolError) -> [Transfer] {
        try decodeArray(bytes, Transfer.byteCount, "transfers", Transfer.load)
    }

    /// Decodes a whole number of 16-byte little-endian ids.
    public static func decodeIDs(_ bytes: ArraySlice<UInt8>) throws(ProtocolError) -> [UInt128] {
        try decodeArray(bytes, 16, "ids") { raw, offset in
            raw.littleEndian(at: offset, as: UInt128.self)
        }
    }
}

/// Decodes `bytes` as a whole number of `elementByteCount`-sized elements, each read by `load`
/// at its offset (one pass over the bytes, one allocation).
func decodeArray<Element>(
    _ bytes: ArraySlice<UInt8>,
    _ elementByteCount: Int,
    _ what: String,
    _ load: (UnsafeRawBufferPointer, Int) -> Element
) throws(ProtocolError) -> [Element] {
    guard bytes.count.isMultiple(of: elementByteCount) else {
        throw ProtocolError(
            .truncated,
            "\(bytes.count) bytes are not a whole number of \(elementByteCount)-byte \(what)"
        )
    }
    let count = bytes.count / elementByteCount
    return bytes.withUnsafeBytes { raw in
        [Element](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            for index in 0..<count {
                (buffer.baseAddress.unsafelyUnwrapped + index).initialize(
                    to: load(raw, index * elementByteCount)
                )
            }
            initializedCount = count
        }
    }
}
