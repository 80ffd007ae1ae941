// The command that runs a recorded run again: its own command line with the seed pinned, the
// target file's path made absolute, and the per-run places (`--output`, `--log`) and
// `--check-only` left out, quoted for a POSIX shell.
// report.html shows it under the verdict and `vortex sweep` prints it for each failing seed.

import Foundation

/// Builds the reproduce command of a run.
public enum ReproduceCommand {
    /// Flags that take a value and name a place of one run, dropped from the command.
    private static let droppedWithValue: Set<String> = ["--output", "--log", "--seed"]
    /// Flags without a value dropped from the command.
    private static let droppedAlone: Set<String> = ["--check-only"]

    /// `vortex run --seed <seed> <the other arguments>` from `commandLine` (argv, the
    /// executable first; a `vortex replay` command line stays a replay, without `--seed`); `target`, when given, replaces the value of `--target` (summary.json's
    /// absolute path of a target file, so the command works from any directory).
    public static func line(commandLine: [String], seed: UInt64, target: String? = nil) -> String {
        var arguments = Array(commandLine.dropFirst())
        // `vortex replay DIR …` reproduces itself (with the original's seed); a plain
        // command line is a `vortex run`.
        let subcommand = arguments.first.flatMap { $0.hasPrefix("-") ? nil : $0 } ?? "run"
        if arguments.first == subcommand { arguments.removeFirst() }
        var kept: [String] = []
        var index = 0
        // Each pass consumes one or two arguments.
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            if droppedWithValue.contains(argument) {
                index += 2
                continue
            }
            if droppedWithValue.contains(name) && argument.contains("=")
                || droppedAlone.contains(argument)
            {
                index += 1
                continue
            }
            if let target, argument == "--target", index + 1 < arguments.count {
                kept += [argument, target]
                index += 2
                continue
            }
            if let target, name == "--target", argument.contains("=") {
                kept.append("--target=\(target)")
                index += 1
                continue
            }
            kept.append(argument)
            index += 1
        }
        let head =
            subcommand == "run" ? ["vortex", "run", "--seed", "\(seed)"] : ["vortex", subcommand]
        return (head + kept).map(quote).joined(separator: " ")
    }

    /// `argument` quoted for a POSIX shell when it needs it.
    static func quote(_ argument: String) -> String {
        let safe = argument.allSatisfy { character in
            character.isASCII
                && (character.isLetter || character.isNumber || "-_./=:,+@%".contains(character))
        }
        if safe && !argument.isEmpty { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
