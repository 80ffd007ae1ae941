// `vortex replay DIR`: rerun a run from its output directory with its configuration and seed,
// carrying out its recorded fault decisions at their recorded times instead of drawing them
// (docs/user-guide.md, "Replaying a run"). A directory that is not a vortex output, or a
// configuration that cannot run here, is one line and exit 2, before anything starts.

import ArgumentParser
import VortexHarness

/// `vortex replay`: reruns a run's faults exactly in time.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rerun a run from its output directory, replaying its faults in time.",
        usage: "vortex replay <dir> [--output <dir>] [--schedule <file>] [<options>]",
        discussion: """
            Same configuration and seed as the run in <dir>, but the fault decisions of \
            <dir>/faults.jsonl are carried out at their recorded times (a decision impossible \
            at its time is logged and skipped). Prints whether the run ends as the original \
            did, then the usual verdict. \(RunOutcome.helpSentence)
            """
    )

    @Argument(
        help: ArgumentHelp(
            "The output directory of a vortex run (summary.json and faults.jsonl).",
            valueName: "dir"
        )
    )
    var directory: String

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
            Carry out this faults.jsonl instead of <dir>'s (times on <dir>'s clock, as written \
            by vortex shrink).
            """,
            valueName: "file"
        )
    )
    var schedule: String?

    @Option(
        help: ArgumentHelp(
            "Run this long instead of the original's duration, e.g. 12s.",
            valueName: "duration"
        )
    )
    var testDuration: String?

    @Flag(help: "Keep the output directory after a pass (it is always kept after a failure).")
    var keepOutput = false

    func run() async throws {
        var options = ReplayOptions(directory: directory)
        options.output = output
        options.schedule = schedule
        options.testDuration = testDuration
        options.keepOutput = keepOutput
        let prepared: (RunConfiguration, ReplayPlan)
        do {
            prepared = try ReplayPlan.prepare(options, environment: .current())
        } catch {
            throw ValidationError(error.message)
        }
        let code = await RunLauncher.launch(prepared.0, replay: prepared.1)
        throw ExitCode(code)
    }
}
