// A driver's reply to one request, as it crosses the driver's stdout:
//   u32 result count (little endian) · count × result
// There is no operation byte: the reader knows the operation from its own request, and so the
// result layout (CreateResult 16 B, ErrorResult 8 B, Account or Transfer 128 B).

/// The results of a reply, typed by layout.
public enum ReplyResults: Sendable, Hashable {
    /// One result per event of create_accounts or create_transfers.
    case createResults([CreateResult])
    /// The failed events of a sparse create.
    case errorResults([ErrorResult])
    /// The accounts found by lookup_accounts.
    case accounts([Account])
    /// The transfers found by lookup_transfers.
    case transfers([Transfer])

    /// How many results there are.
    public var count: Int {
        switch self {
        case .createResults(let results): results.count
        case .errorResults(let results): results.count
        case .accounts(let accounts): accounts.count
        case .transfers(let transfers): transfers.count
        }
    }

    /// The size of one result in bytes.
    public var resultByteCount: Int {
        switch self {
        case .createResults: CreateResult.byteCount
        case .errorResults: ErrorResult.byteCount
        case .accounts: Account.byteCount
        case .transfers: Transfer.byteCount
        }
    }

    /// True if these results are the layout a reply to `operation` has.
    public func fits(_ operation: Operation) -> Bool {
        switch (self, operation) {
        case (.createResults, .createAccounts), (.createResults, .createTransfers),
            (.errorResults, .createAccountsSparse), (.errorResults, .createTransfersSparse),
            (.accounts, .lookupAccounts), (.transfers, .lookupTransfers):
            true
        default:
            false
        }
    }
}

/// One reply from a driver.
public struct DriverReply: Sendable, Hashable {
    /// The results.
    public let results: ReplyResults

    /// A reply carrying `results`.
    public init(_ results: ReplyResults) {
        self.results = results
    }

    /// How many results the reply carries.
    public var resultCount: Int { results.count }

    /// The size of the encoded reply in bytes.
    public var byteCount: Int {
        DriverProtocol.replyHeaderByteCount + resultCount * results.resultByteCount
    }

    /// The reply's bytes: count and results.
    public func encode() -> [UInt8] {
        precondition(resultCount <= UInt32.max, "a reply holds at most 2^32-1 results")
        return [UInt8].writing(byteCount) { pointer in
            pointer.storeLittleEndian(UInt32(resultCount), at: 0)
            var result = pointer + DriverProtocol.replyHeaderByteCount
            switch results {
            case .createResults(let results):
                for item in results {
                    item.write(to: result)
                    result += CreateResult.byteCount
                }
            case .errorResults(let results):
                for item in results {
                    item.write(to: result)
                    result += ErrorResult.byteCount
                }
            case .accounts(let accounts):
                for account in accounts {
                    account.write(to: result)
                    result += Account.byteCount
                }
            case .transfers(let transfers):
                for transfer in transfers {
                    transfer.write(to: result)
                    result += Transfer.byteCount
                }
            }
        }
    }

    /// Appends the reply's bytes (count and results) to `bytes`.
    public func encode(into bytes: inout [UInt8]) {
        bytes.append(contentsOf: encode())
    }

    /// Checks a reply's announced result count against the request it answers: exactly one
    /// result per event for dense creates, at most one per event otherwise.
    public static func validateResultCount(
        _ resultCount: Int,
        for request: DriverRequest
    ) throws(ProtocolError) {
        let operation = request.operation
        if operation.hasOneResultPerEvent {
            guard resultCount == request.eventCount else {
                throw ProtocolError(
                    .countMismatch,
                    "\(operation) of \(request.eventCount) events got \(resultCount) results"
                )
            }
        } else {
            guard resultCount <= request.eventCount else {
                throw ProtocolError(
                    .countTooLarge,
                    "\(operation) of \(request.eventCount) events got \(resultCount) results"
                )
            }
        }
    }

    /// Decodes one whole reply (count and results, nothing more) to `request`, checking the
    /// count and, for sparse creates, that every index names an event, in increasing order.
    public static func decode(
        _ bytes: ArraySlice<UInt8>,
        for request: DriverRequest
    ) throws(ProtocolError) -> Self {
        guard bytes.count >= DriverProtocol.replyHeaderByteCount else {
            throw ProtocolError(.truncated, "a reply needs 4 header bytes, got \(bytes.count)")
        }
        let resultCount = Int(bytes.withUnsafeBytes { $0.littleEndian(at: 0, as: UInt32.self) })
        try validateResultCount(resultCount, for: request)
        return try decode(
            operation: request.operation,
            count: resultCount,
            payload: bytes.dropFirst(DriverProtocol.replyHeaderByteCount),
            eventCount: request.eventCount
        )
    }

    /// Decodes the results of a reply whose count has been read (and validated) already.
    public static func decode(
        operation: Operation,
        count: Int,
        payload: ArraySlice<UInt8>,
        eventCount: Int
    ) throws(ProtocolError) -> Self {
        try requireByteCount(
            payload,
            count * operation.resultByteCount,
            "the results of \(operation) with count \(count)"
        )
        switch operation {
        case .createAccounts, .createTransfers:
            let results = try decodeArray(
                payload,
                CreateResult.byteCount,
                "create results",
                CreateResult.load
            )
            return Self(.createResults(results))
        case .createAccountsSparse, .createTransfersSparse:
            let results = try decodeArray(
                payload,
                ErrorResult.byteCount,
                "error results",
                ErrorResult.load
            )
            try checkIndexes(results, eventCount: eventCount, operation: operation)
            return Self(.errorResults(results))
        case .lookupAccounts:
            return Self(.accounts(try DriverProtocol.decodeAccounts(payload)))
        case .lookupTransfers:
            return Self(.transfers(try DriverProtocol.decodeTransfers(payload)))
        }
    }

    private static func checkIndexes(
        _ results: [ErrorResult],
        eventCount: Int,
        operation: Operation
    ) throws(ProtocolError) {
        var previousIndex: Int = -1
        for result in results {
            let index = Int(result.index)
            guard index > previousIndex, index < eventCount else {
                throw ProtocolError(
                    .countMismatch,
                    "\(operation) of \(eventCount) events: error index \(index) out of order "
                        + "or out of range"
                )
            }
            previousIndex = index
        }
    }
}
