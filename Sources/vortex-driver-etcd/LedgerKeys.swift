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

import Foundation
import Workload

/// The key layout of one ledger (one cluster id).
struct LedgerKeys: Sendable {
    /// The prefix every key of this ledger starts with.
    let prefix: String

    /// The keys of the ledger for `cluster` (the driver's first argument).
    init(cluster: String) {
        prefix = "/vortex-ledger/\(cluster)/"
    }

    /// The head key (the ledger's version and last timestamp).
    var head: Data { Data((prefix + "head").utf8) }

    /// The key of account `id`.
    func account(_ id: UInt128) -> Data { Data((prefix + "account/" + Self.hex(id)).utf8) }

    /// The key of transfer `id`.
    func transfer(_ id: UInt128) -> Data { Data((prefix + "transfer/" + Self.hex(id)).utf8) }

    /// The key of the stored reply of request `sequence` of driver instance `driverID`.
    func request(driverID: UInt64, sequence: UInt64) -> Data {
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
enum LedgerValues {
    /// The head value for `lastTimestamp`.
    static func head(lastTimestamp: UInt64) -> Data {
        var bytes: [UInt8] = []
        bytes.appendLittleEndianValue(lastTimestamp)
        return Data(bytes)
    }

    /// The last timestamp stored in a head value; nil if the value is not 8 bytes.
    static func lastTimestamp(fromHead value: Data) -> UInt64? {
        guard value.count == 8 else { return nil }
        return value.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    /// The value of an account.
    static func account(_ account: Account) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Account.byteCount)
        account.encode(into: &bytes)
        return Data(bytes)
    }

    /// The account in a value; nil if the value is not an account.
    static func account(from value: Data) -> Account? {
        try? Account(decoding: [UInt8](value)[...])
    }

    /// The value of a transfer id.
    static func transfer(_ stored: StoredTransfer) -> Data {
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
    static func transfer(from value: Data) -> StoredTransfer? {
        if value.count == 4 {
            let raw = value.withUnsafeBytes {
                UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))
            }
            return CreateTransferStatus(rawValue: raw).map { .retired($0) }
        }
        return (try? Transfer(decoding: [UInt8](value)[...])).map { .created($0) }
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` in little-endian byte order.
    mutating func appendLittleEndianValue<Value: FixedWidthInteger>(_ value: Value) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
