// The checks of `vortex sweep` that need other programs, before anything starts: the run flags
// through `vortex run --check-only` (so a sweep accepts exactly what a run accepts, with the
// same one-line message), and for the Slurm engine that sbatch exists, the controller answers
// (`scontrol ping`) and the partition exists (`sinfo`). Each failure is one ConfigurationError.

import Foundation
import ProcessControl

/// Checks a sweep's surroundings before it starts.
enum SweepPreflight {
    /// Longest wait for one checking command.
    static let commandTimeout = Duration.seconds(30)

    /// Checks the run flags, and Slurm with the Slurm engine.
    static func check(_ configuration: SweepConfiguration) async throws(ConfigurationError) {
        let arguments =
            configuration.runCommandLine(seed: configuration.seeds.first) + ["--check-only"]
        let result = try await run(arguments, purpose: "vortex run --check-only")
        guard result.termination.isSuccess else {
            let line = firstLine(result.standardError.text) ?? "\(result.termination)"
            let message = line.hasPrefix("vortex: ") ? String(line.dropFirst(8)) : line
            throw ConfigurationError(message)
        }
        if case .slurm(let partition) = configuration.engine {
            try await checkSlurm(partition: partition, configuration: configuration)
        }
    }

    private static func checkSlurm(
        partition: String?,
        configuration: SweepConfiguration
    )
        async throws(ConfigurationError)
    {
        guard !configuration.outputDirectory.contains(where: \.isWhitespace) else {
            throw ConfigurationError(
                "--output \(configuration.outputDirectory): Slurm's #SBATCH lines cannot name a "
                    + "path with spaces; choose a directory without them"
            )
        }
        guard configuration.seeds.last <= UInt64(Int64.max) else {
            throw ConfigurationError(
                "--seeds \(configuration.seeds): with --slurm the job script computes seeds in "
                    + "shell arithmetic; use seeds below 2^63"
            )
        }
        let ping = try await run(["scontrol", "ping"], purpose: "scontrol")
        let answer = firstLine(ping.standardOutput.text) ?? firstLine(ping.standardError.text) ?? ""
        guard ping.termination.isSuccess, answer.contains(" UP") else {
            throw ConfigurationError(
                "--slurm: the Slurm controller does not answer (scontrol ping: "
                    + "\(answer.isEmpty ? "\(ping.termination)" : answer)); start slurmctld, "
                    + "check SLURM_CONF, or drop --slurm to run here"
            )
        }
        guard let partition else { return }
        let listing = try await run(["sinfo", "-h", "-o", "%P", "-p", partition], purpose: "sinfo")
        let found = listing.standardOutput.text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: ["*", " "]) }
            .contains(partition)
        guard listing.termination.isSuccess, found else {
            throw ConfigurationError(
                "--partition \(partition): Slurm has no such partition; 'sinfo -s' lists them"
            )
        }
    }

    /// Runs a checking command; a missing program is a ConfigurationError naming `purpose`.
    private static func run(
        _ arguments: [String],
        purpose: String
    ) async throws(ConfigurationError)
        -> CommandResult
    {
        var command = Command(arguments[0], arguments: Array(arguments.dropFirst()))
        command.standardInput = .null
        do {
            return try await command.run(timeout: commandTimeout)
        } catch {
            if error.code == .executableNotFound {
                throw ConfigurationError(
                    "--slurm: \(arguments[0]) is not on PATH; install Slurm's client commands "
                        + "(Debian: slurm-client) or drop --slurm to run here"
                )
            }
            throw ConfigurationError("\(purpose) could not run: \(error)")
        }
    }

    private static func firstLine(_ text: String) -> String? {
        text.split(whereSeparator: \.isNewline).first.map(String.init)
    }
}
