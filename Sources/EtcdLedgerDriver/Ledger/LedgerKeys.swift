// Where the ledger lives in etcd's key space, and how its values are encoded. Everything sits
// under `/vortex-ledger/<cluster>/`:
//
//   head                      u64 LE: the timestamp of the last event applied. Every write
//                             transaction rewrites it, so its mod_revision is the ledger's
//                             version: a commit that compares it is serialised after every read.
//   account/<id, 32 hex>      the 128-byte Account (balances included)
//   transfer/<id, 32 hex>     the 128-byte Transfer, or a 4-byte u32 LE status for an id that a
//                             transient failure retired
//   request/<driver>/<seq>    the reply of one applied request (its results), written in the
//                             same transaction as the request's effects: a retry finds it and
//                             answers from it instead of applying the request again
//
// Pure values, no etcd: the store builds its transactions from these keys and values.

public import Foundation
public import Workload

/// The key layout of one ledger (one cluster id).
public struct LedgerKeys: Sendable {
    /// The prefix every key of this ledger starts with.
    public let prefix: String

    /// The keys of the ledger for `cluster` (the driver's first argument).
    public init(cluster: String) {
        prefix = "/vortex-ledger/\(cluster)/"
    }

    /// The head key (the ledger's version and last timestamp).
    public var head: Data { Data((prefix + "head").utf8) }

    /// The key of account `id`.
    public func account(_ id: UInt128) -> Data { Data((prefix + "account/" + Self.hex(id)).utf8) }

    /// The key of transfer `id`.
    public func transfer(_ id: UInt128) -> Data { Data((prefix + "transfer/" + Self.hex(id)).utf8) }

    /// The key of the stored reply of request `sequence` of driver instance `driverID`.
    public func request(driverID: UInt64, sequence: UInt64) -> Data {
        let driver = String(driverID, radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - driver.count)) + driver
        return Data((prefix + "request/\(padded)/\(sequence)").utf8)
    }

    private static func hex(_ id: UInt128) -> String {
        let digits = String(id, radix: 16)
        return String(repeating: "0", count: 32 - digits.count) + digits
    }
}

/// Encodes and decodes the ledger's values.
public enum LedgerValues {
    /// The head value for `lastTimestamp`.
    public static func head(lastTimestamp: UInt64) -> Data {
        var bytes: [UInt8] = []
        bytes.appendLittleEndianValue(lastTimestamp)
        return Data(bytes)
    }

    /// The last timestamp stored in a head value; nil if the value is not 8 bytes.
    public static func lastTimestamp(fromHead value: Data) -> UInt64? {
        guard value.count == 8 else { return nil }
        return value.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    /// The value of an account.
    public static func account(_ account: Account) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Account.byteCount)
        account.encode(into: &bytes)
        return Data(bytes)
    }

    /// The account in a value; nil if the value is not an account.
    public static func account(from value: Data) -> Account? {
        try? Account(decoding: [UInt8](value)[...])
    }

    /// The value of a transfer id.
    public static func transfer(_ stored: StoredTransfer) -> Data {
        var bytes: [UInt8] = []
        switch stored {
        case .created(let transfer):
            bytes.reserveCapacity(Transfer.byteCount)
            transfer.encode(into: &bytes)
        case .retired(let status):
            bytes.appendLittleEndianValue(status.rawValue)
        }
        return Data(bytes)
    }

    /// The transfer (or retirement) in a value; nil if the value is neither.
    public static func transfer(from value: Data) -> StoredTransfer? {
        if value.count == 4 {
            let raw = value.withUnsafeBytes {
                UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))
            }
            return CreateTransferStatus(rawValue: raw).map { .retired($0) }
        }
        return (try? Transfer(decoding: [UInt8](value)[...])).map { .created($0) }
    }

    /// The value of a request key: the request's results, 16 bytes each, in event order.
    public static func results(_ results: [CreateResult]) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(results.count * CreateResult.byteCount)
        for result in results { result.encode(into: &bytes) }
        return Data(bytes)
    }

    /// The results in a request key's value; nil unless it holds exactly `count` results.
    public static func results(from value: Data, count: Int) -> [CreateResult]? {
        let bytes = [UInt8](value)
        guard count >= 0, bytes.count == count * CreateResult.byteCount else { return nil }
        var results: [CreateResult] = []
        results.reserveCapacity(count)
        for index in 0..<count {
            let start = index * CreateResult.byteCount
            let slice = bytes[start..<(start + CreateResult.byteCount)]
            guard let result = try? CreateResult(decoding: slice) else { return nil }
            results.append(result)
        }
        return results
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` in little-endian byte order.
    mutating func appendLittleEndianValue<Value: FixedWidthInteger>(_ value: Value) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
