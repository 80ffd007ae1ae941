// A vortex output directory read back for `vortex replay` and `vortex shrink`: its summary.json
// (the effective configuration, the seed, how it ended, when its tick loop started) and a
// faults.jsonl (its own, or another schedule on its clock). Anything that makes the directory
// unusable is one ConfigurationError line naming the file and what is wrong with it (exit 2):
// a missing directory or file, a file that is not what it should be, a newer schema version, a
// decision the run could not carry out (a replica it does not have, a fault its backend lacks).

import Foundation

/// A run's output directory, read and checked.
public struct RecordedRun: Sendable {
    /// The directory, absolute.
    public let directory: String
    /// Its summary.json.
    public let summary: RunSummary
    /// The faults.jsonl that was read (the directory's own unless another was given).
    public let schedulePath: String
    /// The decisions of that faults.jsonl, in file order.
    public let entries: [FaultLogEntry]

    /// How the run ended.
    public var failure: FailureSignature { FailureSignature(summary) }

    /// Reads `directory`'s summary.json and `schedule` (by default `directory/faults.jsonl`).
    ///
    /// - Throws: ``ConfigurationError`` naming the file and what is wrong with it.
    public static func read(
        directory: String,
        schedule: String? = nil
    ) throws(ConfigurationError) -> RecordedRun {
        let absolute = OutputLocation.absolutePath(directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw ConfigurationError(
                "\(directory) is not a directory; give the output directory of a vortex run "
                    + "(kept after a failure, or after a pass with --keep-output)"
            )
        }
        let summary = try readSummary("\(absolute)/summary.json")
        let schedulePath = OutputLocation.absolutePath(schedule ?? "\(absolute)/faults.jsonl")
        guard FileManager.default.fileExists(atPath: schedulePath) else {
            let holder = schedule == nil ? "the directory" : "--schedule"
            throw ConfigurationError(
                "\(schedulePath) does not exist; \(holder) must hold the faults.jsonl of a "
                    + "vortex run"
            )
        }
        let entries: [FaultLogEntry]
        do {
            entries = try FaultLogReader.read(path: schedulePath)
        } catch {
            throw ConfigurationError(error.description)
        }
        let run = RecordedRun(
            directory: absolute,
            summary: summary,
            schedulePath: schedulePath,
            entries: entries
        )
        try run.checkEntries()
        return run
    }

    /// The tick loop's start on the run's clock; recorded fault times count from it.
    public var loopStartUs: Int64 { summary.tickLoopStartUs ?? 0 }

    /// When the verdict came, as time since the tick loop started; nil when the loop never ran.
    public var verdictLoopTime: Duration? { summary.verdictLoopTime }

    /// The run's test duration.
    public var testDuration: Duration {
        .microseconds(Int64((summary.configuration.testDurationSeconds * 1e6).rounded()))
    }

    /// Checks that `output` (absolute) is not this directory or inside it: replay and shrink
    /// only read the original.
    func requireOutside(_ output: String) throws(ConfigurationError) {
        guard output != directory, !output.hasPrefix(directory + "/") else {
            throw ConfigurationError(
                "--output \(output) is inside \(directory), which replay and shrink only read; "
                    + "choose a directory elsewhere"
            )
        }
    }

    private func checkEntries() throws(ConfigurationError) {
        let configuration = summary.configuration
        let backend = FaultBackendKind(rawValue: configuration.backend)
        for (index, entry) in entries.enumerated() {
            // The reader's line numbers: the header is line 1.
            let place = "\(schedulePath):\(index + 2)"
            if let replica = entry.decision.replica, replica >= configuration.replicaCount {
                throw ConfigurationError(
                    "\(place): replica \(replica) does not exist in this "
                        + "\(configuration.replicaCount)-replica run; the schedule belongs to "
                        + "another run"
                )
            }
            if let limitation = backend?.limitation(of: entry.decision.kind) {
                throw ConfigurationError(
                    "\(place): \(entry.decision.kind.rawValue) \(limitation), but the run used "
                        + "--faults \(configuration.backend)"
                )
            }
        }
        if !entries.isEmpty && summary.tickLoopStartUs == nil {
            throw ConfigurationError(
                "\(directory)/summary.json has no tickLoopStartUs, the origin of the recorded "
                    + "fault times; it was written by an older vortex: rerun it with this one"
            )
        }
    }

    private static func readSummary(_ path: String) throws(ConfigurationError) -> RunSummary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(
                "\(path) does not exist; the directory is not the output of a vortex run"
            )
        }
        struct Versioned: Decodable { var schemaVersion: Int }
        let version: Int
        do {
            version = try JSONDecoder().decode(Versioned.self, from: data).schemaVersion
        } catch {
            throw ConfigurationError("\(path) is not a vortex summary: \(reason(error))")
        }
        guard version <= RunSummary.currentSchemaVersion else {
            throw ConfigurationError(
                "\(path) has schema version \(version), newer than this vortex reads "
                    + "(\(RunSummary.currentSchemaVersion)); use a newer vortex"
            )
        }
        do {
            return try JSONDecoder().decode(RunSummary.self, from: data)
        } catch {
            throw ConfigurationError("\(path) is not a vortex summary: \(reason(error))")
        }
    }

    private static func reason(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            let parent = path(context)
            return "missing \"\(parent.isEmpty ? "" : parent + ".")\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context),
            DecodingError.valueNotFound(_, let context):
            return "wrong type at \"\(path(context))\""
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "not JSON" : "bad value at \"\(path(context))\""
        default:
            return "\(error)"
        }
    }
}

extension RunSummary {
    /// When the verdict came, as time since the tick loop started; nil when the loop never ran.
    public var verdictLoopTime: Duration? {
        guard let start = tickLoopStartUs, let verdict = verdictTimeUs else { return nil }
        return .microseconds(max(0, verdict - start))
    }
}
