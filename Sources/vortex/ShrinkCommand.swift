// `vortex shrink DIR`: delta debugging over a failing run's fault decisions and its duration,
// each candidate a `vortex replay` (docs/user-guide.md, "Shrinking a failure"). Bad input is one
// line and exit 2 before any candidate runs; SIGINT or SIGTERM stops the running candidates,
// writes the smallest schedule found so far and exits 143.

import ArgumentParser
import Foundation
import ProcessControl
import VortexHarness

/// `vortex shrink`: finds the fewest faults and shortest duration that still fail the same way.
struct ShrinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shrink",
        abstract: "Shrink a failing run to the fewest faults and the shortest duration.",
        usage: "vortex shrink <dir> [--budget <duration>] [--output <dir>] [--jobs <n>]",
        discussion: """
            Each candidate is a replay of <dir> with a subset of its fault decisions; it is \
            kept when it fails with the original's reason (and, for reconciliation, the same \
            kind of mismatch). Writes the smallest schedule as <output>/faults.jsonl and prints \
            the vortex replay command that reproduces it. Never changes <dir>. Exit codes: 0 \
            schedule written, 1 the failure did not reproduce, 2 bad input, 143 interrupted.
            """
    )

    @Argument(help: ArgumentHelp("The output directory of a failing vortex run.", valueName: "dir"))
    var directory: String

    @Option(
        help: ArgumentHelp("How long the whole search may take, e.g. 30m.", valueName: "duration")
    )
    var budget = ShrinkOptions(directory: "").budget

    @Option(
        help: ArgumentHelp(
            "Output directory (new or empty); a new one under $TMPDIR by default.",
            valueName: "dir"
        )
    )
    var output: String?

    @Option(
        help: ArgumentHelp(
            """
            Candidates run side by side (each a whole cluster); default: half the processors, \
            at least 1.
            """,
            valueName: "n"
        )
    )
    var jobs: String?

    func run() async throws {
        var options = ShrinkOptions(directory: directory)
        options.budget = budget
        options.output = output
        options.jobs = jobs
        let configuration: ShrinkConfiguration
        do {
            configuration = try ShrinkConfiguration.validate(options, environment: .current())
        } catch {
            throw ValidationError(error.message)
        }
        let signals = try? SignalWatcher([.interrupt, .terminate])
        let shrinker: Shrinker
        do {
            shrinker = try Shrinker(configuration, commandName: CommandLine.arguments[0])
        } catch {
            FileHandle.standardError.write(Data("vortex: shrink: \(error)\n".utf8))
            throw ExitCode(ShrinkOutcome.notReproduced.code)
        }
        let search = Task { await shrinker.run() }
        let watcher = Task {
            guard let signals else { return }
            for await _ in signals.signals {
                search.cancel()
                return
            }
        }
        let outcome = await search.value
        watcher.cancel()
        signals?.stop()
        throw ExitCode(outcome.code)
    }
}
