// Waiting on a driver with a deadline, the same for both workloads' drivers (DriverHandle and the
// harness's RegisterDriver): a pipe read or write raced against the request's deadline, and a
// short wait for the driver's exit once its pipe closed or failed.

public import ProcessControl

/// Runs `operation` against `deadline`: its outcome, or `onDeadline` once the deadline passes
/// first (the operation is then cancelled). Cancelling the caller cancels both.
public func raceDeadline<Outcome: Sendable>(
    _ deadline: ContinuousClock.Instant,
    onDeadline: Outcome,
    _ operation: @escaping @Sendable () async -> Outcome
) async -> Outcome {
    await withTaskGroup(of: Outcome.self) { group in
        group.addTask { await operation() }
        group.addTask {
            await sleepInSteps(until: deadline)
            return onDeadline
        }
        let first = await group.next() ?? onDeadline
        group.cancelAll()
        return first
    }
}

/// Sleeps until `deadline` or cancellation, in steps of at most a second: on Linux a cancelled
/// sleep keeps its timer (about 0.65 KiB) until its deadline, and a reply's deadline can be an
/// hour away, so one long sleep per request held memory for every request.
func sleepInSteps(until deadline: ContinuousClock.Instant) async {
    // Bounded by the deadline: each turn sleeps up to a second closer to it.
    while !Task.isCancelled {
        let remaining = deadline - ContinuousClock.now
        if remaining <= .zero { return }
        try? await Task.sleep(for: min(remaining, .seconds(1)))
    }
}

extension ChildProcess {
    /// The driver's termination if it ends within a second (a closed or failed pipe usually
    /// means it is exiting); nil if it keeps running.
    public func exitSoon() async -> Termination? {
        await wait(timeout: .seconds(1))
    }
}
