// The JSON messages of etcd's v3 gRPC gateway (`POST /v3/kv/range`, `POST /v3/kv/txn`) that the
// ledger and register drivers need. The gateway speaks proto3 JSON: keys and values are base64, 64-bit integers are
// decimal strings, and fields holding their default value (false, 0, empty) are left out, so
// every decoder here treats a missing field as its zero value.

import Foundation

/// One key and its value as etcd returns it.
struct EtcdKeyValue: Decodable, Sendable {
    /// The key's bytes.
    var key: Data
    /// The value's bytes (empty when etcd left it out).
    var value: Data
    /// The revision of the last write to this key.
    var modRevision: Int64
    /// The revision that created this key.
    var createRevision: Int64

    private enum CodingKeys: String, CodingKey {
        case key, value
        case modRevision = "mod_revision"
        case createRevision = "create_revision"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decodeIfPresent(Data.self, forKey: .key) ?? Data()
        value = try container.decodeIfPresent(Data.self, forKey: .value) ?? Data()
        modRevision = try container.decodeInt64String(forKey: .modRevision)
        createRevision = try container.decodeInt64String(forKey: .createRevision)
    }
}

/// A condition of a transaction: `target(key) == value`.
struct EtcdCompare: Encodable, Sendable {
    /// What a compare looks at, and the value it expects.
    enum Expectation: Sendable {
        /// The key's last-modified revision equals this one.
        case modRevision(Int64)
        /// The key's creation revision equals this one (0: the key does not exist).
        case createRevision(Int64)
        /// The key's value equals these bytes (never true for a key that does not exist).
        case value(Data)
    }

    /// The key compared.
    var key: Data
    /// What it is compared against.
    var expectation: Expectation

    private enum CodingKeys: String, CodingKey {
        case key, target, result, value
        case modRevision = "mod_revision"
        case createRevision = "create_revision"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode("EQUAL", forKey: .result)
        switch expectation {
        case .modRevision(let revision):
            try container.encode("MOD", forKey: .target)
            try container.encode(String(revision), forKey: .modRevision)
        case .createRevision(let revision):
            try container.encode("CREATE", forKey: .target)
            try container.encode(String(revision), forKey: .createRevision)
        case .value(let bytes):
            try container.encode("VALUE", forKey: .target)
            try container.encode(bytes, forKey: .value)
        }
    }
}

/// One operation inside a transaction.
enum EtcdOperation: Encodable, Sendable {
    /// Read one key.
    case get(Data)
    /// Write one key.
    case put(Data, Data)
    /// Delete one key.
    case delete(Data)

    private enum CodingKeys: String, CodingKey {
        case requestRange = "request_range"
        case requestPut = "request_put"
        case requestDeleteRange = "request_delete_range"
    }

    private struct KeyOnly: Encodable {
        var key: Data
    }

    private struct KeyAndValue: Encodable {
        var key: Data
        var value: Data
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .get(let key):
            try container.encode(KeyOnly(key: key), forKey: .requestRange)
        case .put(let key, let value):
            try container.encode(KeyAndValue(key: key, value: value), forKey: .requestPut)
        case .delete(let key):
            try container.encode(KeyOnly(key: key), forKey: .requestDeleteRange)
        }
    }
}

/// A transaction: if every compare holds, run `success`, else run `failure`.
struct EtcdTransaction: Encodable, Sendable {
    /// The conditions.
    var compare: [EtcdCompare] = []
    /// The operations run when every condition holds.
    var success: [EtcdOperation] = []
    /// The operations run otherwise.
    var failure: [EtcdOperation] = []

    /// The number of operations etcd counts against `--max-txn-ops` (it checks each list alone).
    var largestOperationCount: Int { max(compare.count, success.count, failure.count) }
}

/// etcd's answer to a transaction.
struct EtcdTransactionResponse: Decodable, Sendable {
    /// True when the compares held and `success` ran.
    var succeeded: Bool
    /// The revision of the store after the transaction.
    var revision: Int64
    /// For each operation that ran, the keys a read found (empty for writes and for reads that
    /// found nothing).
    var readResults: [[EtcdKeyValue]]

    private enum CodingKeys: String, CodingKey {
        case header, succeeded, responses
    }

    private struct Header: Decodable {
        var revision: Int64
        private enum CodingKeys: String, CodingKey { case revision }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            revision = try container.decodeInt64String(forKey: .revision)
        }
    }

    private struct ResponseOp: Decodable {
        var responseRange: RangeResult?
        private enum CodingKeys: String, CodingKey { case responseRange = "response_range" }
    }

    private struct RangeResult: Decodable {
        var kvs: [EtcdKeyValue]?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        succeeded = try container.decodeIfPresent(Bool.self, forKey: .succeeded) ?? false
        revision = try container.decodeIfPresent(Header.self, forKey: .header)?.revision ?? 0
        let responses = try container.decodeIfPresent([ResponseOp].self, forKey: .responses) ?? []
        readResults = responses.map { $0.responseRange?.kvs ?? [] }
    }
}

/// The body etcd's gateway sends with a non-200 status: a gRPC status code and a message.
struct EtcdErrorBody: Decodable, Sendable {
    /// The gRPC status code (3 invalid argument, 8 resource exhausted, 14 unavailable, …).
    var code: Int?
    /// etcd's message, for example `etcdserver: request timed out`.
    var message: String?
    /// The same message under its older name.
    var error: String?
}

extension KeyedDecodingContainer {
    /// A proto3 JSON int64: a decimal string (or, leniently, a number); 0 when absent.
    fileprivate func decodeInt64String(forKey key: Key) throws -> Int64 {
        if let text = try? decodeIfPresent(String.self, forKey: key) {
            guard let value = Int64(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key,
                    in: self,
                    debugDescription: "not an int64: \(text)"
                )
            }
            return value
        }
        return try decodeIfPresent(Int64.self, forKey: key) ?? 0
    }
}
