// `vortex sweep`: many seeds, one `vortex run` each, on this machine or as a Slurm job array
// (docs/scale-out.md). Its own flags are parsed here; every other flag is a `vortex run` flag
// given to each run (checked by `vortex run --check-only` before anything starts). Wrong input
// is one line and exit 2.

import ArgumentParser
import VortexHarness

/// `vortex sweep`: runs a range of seeds and collects their verdicts and reports.
struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run many seeds, here or through Slurm, and collect their reports.",
        usage: """
            vortex sweep --seeds <low-high> [--jobs <n>] [--output <dir>]
                         [--slurm [--partition <p>]] [<vortex run flags>...]
            """,
        discussion: """
            Runs one 'vortex run --seed N' per seed with the other flags given; writes \
            <dir>/sweep.json and <dir>/index.html (a row per seed linking its report.html). A \
            failing run keeps its directory <dir>/seed-N; a pass keeps report.html and \
            summary.json. Ctrl-C stops every running run in order. \
            \(SweepOutcome.helpSentence)
            """
    )

    @Option(help: "The seeds, LOW-HIGH or one seed, e.g. 1-100.")
    var seeds = ""

    @Option(help: "Runs at once (default: half the cores, at least 1).")
    var jobs: String?

    @Option(help: "The sweep's directory (new or empty); a new one under $TMPDIR by default.")
    var output: String?

    @Flag(help: "Keep every run's whole directory, passes included.")
    var keepOutput = false

    @Flag(help: "Submit the seeds as a Slurm job array (sbatch --array) and wait for it.")
    var slurm = false

    @Option(help: "The Slurm partition (with --slurm).")
    var partition: String?

    @Option(
        help: ArgumentHelp(
            "Only write sweep.json and index.html from DIR/seed-N directories another scheduler "
                + "filled (e.g. a Kubernetes Indexed Job).",
            valueName: "dir"
        )
    )
    var collect: String?

    @Argument(parsing: .allUnrecognized, help: "Flags of 'vortex run' for every run.")
    var runFlags: [String] = []

    func run() async throws {
        var options = SweepOptions()
        options.seeds = seeds
        options.jobs = jobs
        options.output = output
        options.keepOutput = keepOutput
        options.slurm = slurm
        options.partition = partition
        options.runArguments = runFlags.filter { $0 != "--" }
        if let collect {
            guard !seeds.isEmpty else {
                throw ValidationError("--collect needs --seeds, the seeds the runs used")
            }
            let range: SeedRange
            do {
                range = try SeedRange.parse(seeds)
            } catch {
                throw ValidationError(error.message)
            }
            throw ExitCode(SweepLauncher.collect(directory: collect, seeds: range))
        }
        let configuration: SweepConfiguration
        do {
            configuration = try SweepConfiguration.validate(options, environment: .current())
        } catch {
            throw ValidationError(error.message)
        }
        throw ExitCode(await SweepLauncher.launch(configuration))
    }
}
