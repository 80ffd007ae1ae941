// The job script of the Slurm engine (docs/scale-out.md, "Slurm"): one array task per seed,
// `sbatch --array=0-<count-1>%<jobs>`, the seed of a task being the first seed plus
// SLURM_ARRAY_TASK_ID. The script execs `vortex run` so that `scancel --batch --signal=INT`
// reaches vortex itself, which then stops in order as any interrupted run does. A pure function
// of the sweep's configuration, tested against `sbatch --test-only`.

/// Writes the batch script of a Slurm sweep.
public enum SlurmJobScript {
    /// The directory (inside the sweep's) that receives Slurm's own per-task output.
    public static let slurmOutputFolder = "slurm"

    /// The script for `configuration` (whose engine is Slurm).
    public static func text(_ configuration: SweepConfiguration) -> String {
        let quote = ReproduceCommand.quote
        let directory = configuration.outputDirectory
        let seeds = configuration.seeds
        var lines = [
            "#!/bin/sh",
            "# vortex sweep, seeds \(seeds): one Slurm array task per seed, the seed being "
                + "\(seeds.first) + SLURM_ARRAY_TASK_ID.",
            "# Written by vortex \(VortexVersion.current) (docs/scale-out.md). Each run stays on "
                + "one node: the sweep spreads, a run does not.",
            "#SBATCH --job-name=vortex-sweep",
            "#SBATCH --array=0-\(seeds.count - 1)%\(configuration.jobs)",
            "#SBATCH --ntasks=1",
            "#SBATCH --output=\(directory)/\(slurmOutputFolder)/task-%a.out",
        ]
        if case .slurm(let partition?) = configuration.engine {
            lines.append("#SBATCH --partition=\(partition)")
        }
        let flags = configuration.runArguments.map(quote).joined(separator: " ")
        let seedDirectory = quote("\(directory)/seed-") + "\"$seed\""
        let console = quote("\(directory)/seed-") + "\"$seed\"" + quote(".out")
        lines += [
            "set -eu",
            "seed=$((\(seeds.first) + SLURM_ARRAY_TASK_ID))",
            "exec \(quote(configuration.vortexExecutable)) run --seed \"$seed\" --output "
                + "\(seedDirectory) --keep-output\(flags.isEmpty ? "" : " " + flags) "
                + ">\(console) 2>&1",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
