// The register driver protocol (docs/workload.md, "The register protocol"): one JSON object per
// line each way. A request names the operation, the key and its arguments; a reply says `ok`
// (with the value read, or null for an absent key, for a read), `fail` (definitely not applied)
// or `info` (outcome unknown), and may add an `error` text. Anything else in a reply makes it
// malformed, which fails the run (exit 16) with a line saying what was wrong.

import Foundation
import Linearizability

/// A driver's answer to one request.
struct RegisterReply: Sendable, Hashable {
    /// `ok`, `fail` or `info` (never `invoke`).
    var type: EventType
    /// The value an `ok` read returned; nil for every other reply.
    var value: RegisterValue?
    /// The reply's `error` text, if any.
    var error: String?
}

/// A reply that does not follow the protocol.
struct RegisterReplyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with it.
    var description: String
}

/// Encoding requests and parsing replies.
enum RegisterProtocol {
    /// The longest reply line accepted, in bytes.
    static let replyLineByteCountMax = 65_536
    /// The longest `error` text kept from a reply, in characters.
    static let errorTextCountMax = 1_000

    /// The request line for `call` on `key`, without the newline.
    static func requestLine(key: Int, call: OperationCall) -> String {
        switch call {
        case .read: return #"{"op":"read","key":\#(key)}"#
        case .write(let value): return #"{"op":"write","key":\#(key),"value":\#(value)}"#
        case .cas(let from, let to):
            return #"{"op":"cas","key":\#(key),"from":\#(from),"to":\#(to)}"#
        }
    }

    /// Parses the reply `line` to a request for `call`.
    static func parseReply(
        _ line: String,
        for call: OperationCall
    ) throws(RegisterReplyError) -> RegisterReply {
        let fields: ReplyFields
        do {
            fields = try JSONDecoder().decode(ReplyFields.self, from: Data(line.utf8))
        } catch let error as RegisterReplyError {
            throw RegisterReplyError(description: "\(error.description): \(shown(line))")
        } catch {
            throw RegisterReplyError(
                description: "not a JSON object with a string \"type\": \(shown(line))"
            )
        }
        let error = fields.error.map { String($0.prefix(errorTextCountMax)) }
        switch fields.type {
        case "ok":
            guard call == .read else {
                if fields.value != nil {
                    throw RegisterReplyError(
                        description: "an ok reply to a write or cas carries no \"value\": "
                            + shown(line)
                    )
                }
                return RegisterReply(type: .ok, value: nil, error: error)
            }
            guard let value = fields.value else {
                throw RegisterReplyError(
                    description: "an ok reply to a read needs \"value\" (an integer, or null for "
                        + "an absent key): \(shown(line))"
                )
            }
            guard let integer = value else {
                return RegisterReply(type: .ok, value: .absent, error: error)
            }
            guard integer >= 0 else {
                throw RegisterReplyError(
                    description: "a read returned \(integer); values are non-negative: "
                        + shown(line)
                )
            }
            return RegisterReply(type: .ok, value: .integer(integer), error: error)
        case "fail", "info":
            guard fields.value == nil else {
                throw RegisterReplyError(
                    description: "a \(fields.type) reply carries no \"value\": \(shown(line))"
                )
            }
            return RegisterReply(
                type: fields.type == "fail" ? .fail : .info,
                value: nil,
                error: error
            )
        default:
            throw RegisterReplyError(
                description: "\"type\" must be ok, fail or info, not \"\(fields.type)\": "
                    + shown(line)
            )
        }
    }

    /// The start of a line, for error messages.
    static func shown(_ line: String) -> String {
        line.count <= 200 ? line : String(line.prefix(200)) + "…"
    }
}

/// The fields of a reply; any other field is an error.
private struct ReplyFields: Decodable {
    var type: String
    /// nil: no `value` field; `.some(nil)`: `"value":null`.
    var value: Int??
    var error: String?

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys where !["type", "value", "error"].contains(key.stringValue) {
            throw RegisterReplyError(
                description: "unknown field \"\(key.stringValue)\" (a reply has type, value and "
                    + "error)"
            )
        }
        type = try container.decode(String.self, forKey: Key(stringValue: "type"))
        let valueKey = Key(stringValue: "value")
        if !container.contains(valueKey) {
            value = nil
        } else if try container.decodeNil(forKey: valueKey) {
            value = .some(nil)
        } else {
            do {
                value = .some(try container.decode(Int.self, forKey: valueKey))
            } catch {
                throw RegisterReplyError(description: "\"value\" must be an integer or null")
            }
        }
        error = try container.decodeIfPresent(String.self, forKey: Key(stringValue: "error"))
    }
}
