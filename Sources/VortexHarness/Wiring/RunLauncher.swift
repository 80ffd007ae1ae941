// Entry point of a validated run, called by `vortex run`. It prints the run's parameters and
// hands over to the run itself; returns the process exit code.

/// Starts a validated run and returns its exit code.
public enum RunLauncher {
    /// Runs `configuration` to the end and returns the exit code of the verdict.
    public static func launch(_ configuration: RunConfiguration) async -> Int32 {
        print("vortex: seed=\(configuration.seed) output=\(configuration.outputDirectory)")
        print("vortex: FAIL reason=not-wired code=1 seed=\(configuration.seed)")
        return 1
    }
}
