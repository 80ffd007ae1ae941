// The register protocol as a driver sees it (docs/workload.md, "The register protocol"): a
// request line `{"op":"read"|"write"|"cas","key":K,...}` in, a reply line
// `{"type":"ok"|"fail"|"info",...}` out.

import Foundation

/// One request from vortex.
enum RegisterRequest: Sendable, Hashable {
    case read(key: Int)
    case write(key: Int, value: Int)
    case cas(key: Int, from: Int, to: Int)

    /// Parses one request line; nil when it is not a request.
    init?(line: String) {
        guard let fields = try? JSONDecoder().decode(Fields.self, from: Data(line.utf8)),
            fields.key >= 0
        else { return nil }
        switch (fields.op, fields.value, fields.from, fields.to) {
        case ("read", nil, nil, nil):
            self = .read(key: fields.key)
        case ("write", let value?, nil, nil) where value >= 0:
            self = .write(key: fields.key, value: value)
        case ("cas", nil, let from?, let to?) where from >= 0 && to >= 0:
            self = .cas(key: fields.key, from: from, to: to)
        default:
            return nil
        }
    }

    private struct Fields: Decodable {
        var op: String
        var key: Int
        var value: Int?
        var from: Int?
        var to: Int?
    }
}

/// One reply to vortex.
enum RegisterReplyLine {
    /// `{"type":"ok"}`, with `"value"` for a read (null: absent).
    static func ok(read value: Int??) -> String {
        switch value {
        case nil: return #"{"type":"ok"}"#
        case .some(nil): return #"{"type":"ok","value":null}"#
        case .some(let integer?): return #"{"type":"ok","value":\#(integer)}"#
        }
    }

    /// `{"type":"fail"|"info","error":"…"}`.
    static func failure(_ type: String, error: String) -> String {
        let encoded = (try? JSONEncoder().encode(error)).map { String(decoding: $0, as: UTF8.self) }
        return #"{"type":"\#(type)","error":\#(encoded ?? "\"\"")}"#
    }
}
