// faults.jsonl: the schedule a run carried out, one flat JSON object per line, in a documented,
// versioned schema (docs/user-guide.md, "faults.jsonl") that other tools and `vortex replay`
// read. The first line is a header naming the format and its schema version; every other line is
// one decision with its tick and its time on the run's clock:
//
//   {"format":"vortex-faults","schemaVersion":1}
//   {"tick":12,"timeUs":130512,"decidedUs":129870,"action":"terminate","replica":1}
//   {"tick":40,"timeUs":410877,"action":"delay","delayMs":77,"jitterMs":50}
//
// This file is the one home of that schema: the record type, its encoding, the writer and the
// reader.

import Foundation

/// One decision of faults.jsonl, with the tick and the time it was carried out.
public struct FaultLogEntry: Sendable, Hashable {
    /// The tick number, from 0.
    public var tick: UInt64
    /// Microseconds since the run's clock origin (shared by vortex.log and trace.json).
    public var timeUs: Int64
    /// What was decided.
    public var decision: FaultDecision
    /// Microseconds since the run's clock origin when the tick took the decision and began to
    /// carry it out (`vortex replay` starts it at that moment); nil in older files.
    public var decidedUs: Int64?

    /// Creates an entry.
    public init(tick: UInt64, timeUs: Int64, decision: FaultDecision, decidedUs: Int64? = nil) {
        self.tick = tick
        self.timeUs = timeUs
        self.decision = decision
        self.decidedUs = decidedUs
    }
}

/// The schema of faults.jsonl.
public enum FaultLogSchema {
    /// The `format` of the header line.
    public static let format = "vortex-faults"
    /// The schema version this vortex writes and reads.
    public static let version = 1
}

extension FaultLogEntry: Codable {
    private enum Key: String, CodingKey {
        case tick, timeUs, action, replica, delayMs, jitterMs, percent
    }

    /// Fields about when a decision was carried out, beside its time.
    private enum TimingKey: String, CodingKey {
        case decidedUs
    }

    /// Reads one decision line.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        tick = try container.decode(UInt64.self, forKey: .tick)
        timeUs = try container.decode(Int64.self, forKey: .timeUs)
        decidedUs = try decoder.container(keyedBy: TimingKey.self)
            .decodeIfPresent(Int64.self, forKey: .decidedUs)
        let action = try container.decode(String.self, forKey: .action)
        guard let kind = FaultKind(rawValue: action), kind != .none else {
            throw DecodingError.dataCorruptedError(
                forKey: .action,
                in: container,
                debugDescription: "unknown action '\(action)'"
            )
        }
        func replica() throws -> Int { try container.decode(Int.self, forKey: .replica) }
        func percent() throws -> Int { try container.decode(Int.self, forKey: .percent) }
        switch kind {
        case .none: preconditionFailure("excluded above")
        case .terminate: decision = .terminate(replica: try replica())
        case .restart: decision = .restart(replica: try replica())
        case .pause: decision = .pause(replica: try replica())
        case .resume: decision = .resume(replica: try replica())
        case .isolate: decision = .isolate(replica: try replica())
        case .delay:
            let delayMs = try container.decode(Int.self, forKey: .delayMs)
            let jitterMs = try container.decode(Int.self, forKey: .jitterMs)
            guard delayMs >= 0, jitterMs >= 0, jitterMs <= delayMs else {
                throw DecodingError.dataCorruptedError(
                    forKey: .jitterMs,
                    in: container,
                    debugDescription: "delay needs 0 ≤ jitterMs ≤ delayMs"
                )
            }
            decision = .delay(DelayFault(delayMs: delayMs, jitterMs: jitterMs))
        case .corrupt: decision = .corrupt(percent: try percent())
        case .loss: decision = .loss(percent: try percent())
        case .networkHeal: decision = .networkHeal
        case .heal: decision = .heal
        }
    }

    /// Writes one decision line: tick, time, action and the action's own fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(tick, forKey: .tick)
        try container.encode(timeUs, forKey: .timeUs)
        var timing = encoder.container(keyedBy: TimingKey.self)
        try timing.encodeIfPresent(decidedUs, forKey: .decidedUs)
        try container.encode(decision.kind.rawValue, forKey: .action)
        switch decision {
        case .terminate(let replica), .restart(let replica), .pause(let replica),
            .resume(let replica), .isolate(let replica):
            try container.encode(replica, forKey: .replica)
        case .delay(let delay):
            try container.encode(delay.delayMs, forKey: .delayMs)
            try container.encode(delay.jitterMs, forKey: .jitterMs)
        case .corrupt(let percent), .loss(let percent):
            try container.encode(percent, forKey: .percent)
        case .networkHeal, .heal:
            break
        }
    }
}

/// Appends the decisions of a run to its faults.jsonl.
final class FaultLogFile: Sendable {
    private let handle: FileHandle

    /// Creates `path` and writes the header line.
    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw RunError("cannot create \(path)")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let header =
            "{\"format\":\"\(FaultLogSchema.format)\",\"schemaVersion\":\(FaultLogSchema.version)}\n"
        try handle.write(contentsOf: Data(header.utf8))
    }

    /// Appends one decision.
    func append(_ entry: FaultLogEntry) {
        guard var data = try? Self.encoder.encode(entry) else { return }
        data.append(0x0A)
        try? handle.write(contentsOf: data)
    }

    func close() {
        try? handle.close()
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// Reads a faults.jsonl: its header and every decision.
public enum FaultLogReader {
    /// What is wrong with a faults.jsonl, in one line naming the file and the line.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        /// The line.
        public let description: String
    }

    /// The decisions of the faults.jsonl at `path`, in file order.
    ///
    /// - Throws: ``ReadError`` when the file is missing, has no valid header, has a newer schema
    ///   version, or has a line that is not a decision.
    public static func read(path: String) throws(ReadError) -> [FaultLogEntry] {
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else {
            throw ReadError(description: "\(path): cannot be read")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let first = lines.first,
            let header = try? JSONSerialization.jsonObject(with: Data(first.utf8))
                as? [String: Any],
            header["format"] as? String == FaultLogSchema.format,
            let version = header["schemaVersion"] as? Int
        else {
            throw ReadError(
                description:
                    "\(path):1: not a vortex faults.jsonl (no {\"format\":\"vortex-faults\"} header)"
            )
        }
        guard version <= FaultLogSchema.version else {
            throw ReadError(
                description: "\(path): schema version \(version) is newer than this vortex reads "
                    + "(\(FaultLogSchema.version)); use a newer vortex"
            )
        }
        let decoder = JSONDecoder()
        var entries: [FaultLogEntry] = []
        for (index, line) in lines.enumerated().dropFirst() {
            do {
                entries.append(try decoder.decode(FaultLogEntry.self, from: Data(line.utf8)))
            } catch {
                throw ReadError(
                    description: "\(path):\(index + 1): not a fault decision: \(Self.reason(error))"
                )
            }
        }
        return entries
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context),
            DecodingError.valueNotFound(_, let context):
            "wrong type at \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        case DecodingError.dataCorrupted(let context): context.debugDescription
        default: "\(error)"
        }
    }
}
