// The kinds of failure the workload can stop with. The package names what went wrong; the
// harness that runs it decides what each kind means for a run (vortex maps them to its exit
// codes in one table), so no exit code is spelled out here.

/// What kind of failure stopped a workload.
public enum WorkloadFailureKind: String, Sendable, Hashable, CaseIterable {
    /// The driver process could not be started (bad command, not executable).
    case driverStartFailed = "driver-start-failed"
    /// The driver exited while the workload still needed it.
    case driverExited = "driver-exited"
    /// After SIGTERM the driver ended some other way than expected.
    case driverEndStatus = "driver-end-status"
    /// Writing a request to the driver failed.
    case requestWriteFailed = "request-write-failed"
    /// A reply was unreadable, invalid, or did not come in time.
    case replyUnreadable = "reply-unreadable"
    /// A reply disagreed with the model.
    case modelMismatch = "model-mismatch"
    /// The configuration allows no request at all.
    case noPossibleCommand = "no-possible-command"
}
