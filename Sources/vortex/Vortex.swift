// The `vortex` command line: a thin layer of swift-argument-parser over the harness and the
// modules. Each subcommand lives in its own file (`<Name>Command.swift`) and is listed here.

import ArgumentParser
import Foundation
import VortexHarness

@main
struct Vortex: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vortex",
        abstract: "Fault-injection test harness for replicated systems.",
        discussion: """
            Starts a cluster of real replica processes, drives a model-checking workload \
            against it, and injects process and network faults from a seeded schedule.
            """,
        version: VortexVersion.current,
        subcommands: [
            RunCommand.self, SweepCommand.self, TargetsCommand.self, ProxyCommand.self,
            NetemCheckCommand.self, CheckCommand.self, ReplayCommand.self, ShrinkCommand.self,
        ]
    )

    /// Parses and runs a subcommand. Wrong usage (an unknown flag, a missing value, a value that
    /// fails validation) prints one line and exits 2, for every subcommand; help and version exit 0;
    /// a subcommand's `ExitCode` passes through.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            exit(withError: code)
        } catch {
            guard exitCode(for: error) == .validationFailure else {
                exit(withError: error)
            }
            let line = message(for: error).split(whereSeparator: \.isNewline).first ?? ""
            FileHandle.standardError.write(Data("vortex: \(line)\(usageHint(for: line))\n".utf8))
            Foundation.exit(2)
        }
    }
}

/// Where to look when the parser's own message names the problem but not the fix.
private func usageHint(for line: Substring) -> String {
    let parserPhrases = [
        "Unexpected argument", "Missing value", "Missing expected argument", "Unknown option",
        "Unexpected extra", "The value",
    ]
    guard parserPhrases.contains(where: { line.hasPrefix($0) }) else { return "" }
    let subcommands = Vortex.configuration.subcommands.map { $0._commandName }
    let arguments = CommandLine.arguments.dropFirst()
    if let first = arguments.first, subcommands.contains(first) {
        return " (see 'vortex \(first) --help')"
    }
    return " (see 'vortex --help' for the subcommands)"
}
