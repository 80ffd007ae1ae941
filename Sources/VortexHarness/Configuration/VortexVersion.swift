// The version of vortex: what `vortex --version` prints and summary.json records, so a run can
// be reproduced with the same vortex.

/// The version of this vortex.
public enum VortexVersion {
    /// The version string.
    public static let current = "0.2.0"
}
