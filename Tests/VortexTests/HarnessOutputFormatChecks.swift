// Checks of a real run's output files against their documented formats (docs/user-guide.md):
// summary.json decodes as the versioned RunSummary and has every documented field, faults.jsonl
// reads through FaultLogReader, and one event — a fault decision — carries the same time on the
// run's one clock in faults.jsonl, vortex.log and trace.json.

import Foundation
import Testing
import VortexHarness

enum OutputFormatChecks {
    /// Every field docs/user-guide.md lists for summary.json, with its JSON type.
    static let summaryFields: [String: String] = [
        "schemaVersion": "number", "verdict": "string", "reason": "string", "exitCode": "number",
        "message": "string", "seed": "number", "configuration": "object",
        "elapsedSeconds": "number", "faultsInjected": "object", "actions": "object",
        "requests": "object", "requestsPerSecond": "number", "latency": "object",
        "latencyByCommand": "object", "longestRecoverySeconds": "number", "output": "string",
        "partitions": "object",
    ]
    /// Fields of summary.json that only some runs have (absent otherwise), with their JSON type.
    static let occasionalSummaryFields: [String: String] = [
        "tickLoopStartUs": "number", "verdictTimeUs": "number", "mismatch": "string",
        "replay": "object", "register": "object",
    ]
    /// Every field of summary.json's `replay`, which replays have.
    static let replayFields: [String: String] = [
        "original": "string", "schedule": "string", "scheduled": "number", "skipped": "number",
        "originalReason": "string", "matchesOriginal": "number",
    ]
    /// Every field of summary.json's `configuration`.
    static let configurationFields: [String: String] = [
        "target": "string", "targetName": "string", "backend": "string",
        "replicaCount": "number", "testDurationSeconds": "number",
        "livenessWindowSeconds": "number", "faultWeights": "object", "driverCommand": "string",
        "workload": "string", "vortexVersion": "string", "commandLine": "array",
        "faultyMax": "string", "faultyReplicasMax": "number",
    ]
    /// Fields of summary.json's `configuration` that only some runs have, with their JSON type.
    static let occasionalConfigurationFields: [String: String] = [
        "tigerbeetleExecutable": "string", "clients": "number", "requestTimeoutSeconds": "number",
    ]

    /// Checks `<output>/summary.json` against the schema; returns it decoded.
    @discardableResult
    static func checkSummary(_ output: String) throws -> RunSummary {
        let data = try Data(contentsOf: URL(fileURLWithPath: output + "/summary.json"))
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("\\/"), "slashes are written as they are")
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        expectFields(object, summaryFields, in: "summary.json")
        let configuration = try #require(object["configuration"] as? [String: Any])
        expectFields(configuration, configurationFields, in: "configuration")
        expectFields(
            configuration,
            occasionalConfigurationFields.filter { configuration[$0.key] != nil },
            in: "configuration"
        )
        expectFields(
            object,
            occasionalSummaryFields.filter { object[$0.key] != nil },
            in: "summary.json"
        )
        #expect(object["verdictTimeUs"] != nil, "every run that ends has a verdict time")
        if let replay = object["replay"] as? [String: Any] {
            expectFields(replay, replayFields, in: "replay")
        }
        let summary = try JSONDecoder().decode(RunSummary.self, from: data)
        #expect(summary.schemaVersion == RunSummary.currentSchemaVersion)
        #expect(summary.configuration.vortexVersion == VortexVersion.current)
        #expect(summary.configuration.faultWeights.count == FaultKind.allCases.count)
        let injecting = FaultKind.allCases.filter(\.injectsFault).map(\.rawValue)
        #expect(Set(summary.faultsInjected.keys).isSubset(of: injecting))
        for (kind, count) in summary.faultsInjected {
            #expect(summary.actions[kind] == count, "\(kind)")
        }
        // This version writes every field an older summary may lack.
        #expect(summary.configuration.faultyMax != nil)
        #expect(summary.configuration.faultyReplicasMax != nil)
        let partitions = try #require(summary.partitions)
        #expect(Set(partitions.keys) == Set(PartitionShape.allCases.map(\.rawValue)))
        for shape in PartitionShape.allCases {
            #expect(
                partitions[shape.rawValue] == summary.actions[shape.faultKind.rawValue] ?? 0,
                "\(shape)"
            )
        }
        return summary
    }

    /// Checks that the first decision of faults.jsonl has the same time in vortex.log and, for a
    /// replica fault, in trace.json.
    static func checkOneClock(_ output: String) throws {
        let entries = try FaultLogReader.read(path: output + "/faults.jsonl")
        let entry = try #require(
            entries.first { $0.decision.kind == .terminate || $0.decision.kind == .pause },
            "the run injected a terminate or pause"
        )
        let log = try String(contentsOfFile: output + "/vortex.log", encoding: .utf8)
        let logLine = log.split(separator: "\n").first {
            $0.contains("(faults): tick=\(entry.tick) ")
        }
        #expect(
            logLine?.contains("time_us=\(entry.timeUs) \(entry.decision)") == true,
            "\(logLine ?? "none")"
        )
        let spanName = entry.decision.kind == .terminate ? "terminated" : "stopped"
        let events = try HarnessCLI.traceEvents(output)
        let span = events.first {
            $0["name"] as? String == spanName && $0["ph"] as? String == "B"
                && $0["pid"] as? Int == entry.decision.replica
        }
        #expect(
            (span?["ts"] as? NSNumber)?.int64Value == entry.timeUs,
            "\(String(describing: span))"
        )
    }

    private static func expectFields(
        _ object: [String: Any],
        _ fields: [String: String],
        in name: String
    ) {
        for (field, type) in fields {
            let value = object[field]
            let actual: String =
                switch value {
                case is String: "string"
                case is [Any]: "array"
                case is [String: Any]: "object"
                case is NSNumber: "number"
                default: "missing"
                }
            #expect(actual == type, "\(name).\(field) is \(actual), documented as \(type)")
        }
    }
}
