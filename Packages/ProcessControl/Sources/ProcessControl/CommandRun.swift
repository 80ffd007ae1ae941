// Run-and-collect, the most common use: start a command, wait for it with a time limit, and get
// its status and output. Everything is bounded: the time (timeout, grace period, drain limit),
// the bytes kept, and what is left running (the child's process group is ended before `run`
// returns, so a background process the command started does not outlive the call).

/// What `Command.run` observed.
public struct CommandResult: Sendable, Hashable {
    /// How the child ended.
    public var termination: Termination
    /// The child's standard output (and that of its descendants that shared it).
    public var standardOutput: PipeOutput
    /// The child's standard error (and that of its descendants that shared it).
    public var standardError: PipeOutput
    /// True when the timeout passed first and `run` terminated the child.
    public var timedOut: Bool
}

extension Command {
    /// Starts the command, collects its standard output and error, and returns once it has
    /// ended and its output is in.
    ///
    /// What `run` changes in the command: standard output and error are pipes to `run`;
    /// standard input `.inherit` or `.pipe` becomes `/dev/null`; `ProcessGroup.inherit`
    /// becomes `.newGroup` (so the time limit and the clean-up reach the child's descendants;
    /// a terminal's Ctrl-C then reaches only your program: cancel the task to stop the command).
    ///
    /// In order:
    /// 1. Waits for the child, at most `timeout`; then `terminate(gracePeriod:)`s its group
    ///    (SIGTERM, SIGKILL after `gracePeriod`) and sets `timedOut`.
    /// 2. Once the child has ended, waits at most `outputDrainLimit` more for both pipes to
    ///    reach end of file. A descendant that still holds one (a background process) ends the
    ///    reading there: `reachedEndOfFile` is then false.
    /// 3. Ends whatever is left in the child's group (`terminate(gracePeriod:)` again, which
    ///    does nothing when the group is empty).
    ///
    /// So `run` returns at most `timeout + gracePeriod + outputDrainLimit` after it starts (plus
    /// the moments the kernel takes to deliver SIGKILL; up to
    /// `ChildProcess.killedMembersSettleLimit` for processes in uninterruptible sleep), with no
    /// live process left in the child's group. Processes that left the group are not covered.
    ///
    /// Cancelling the task stops the command as a timeout would (the grace period is still
    /// given), then throws `cancelled`.
    ///
    /// - Parameter outputLimitBytes: bytes kept of each stream; the rest is read and dropped.
    /// - Throws: what `spawn()` throws; `cancelled` when the task was cancelled.
    public func run(
        timeout: Duration,
        outputLimitBytes: Int = 4 << 20,
        gracePeriod: Duration = .seconds(2),
        outputDrainLimit: Duration = .seconds(1)
    ) async throws(ProcessControlError) -> CommandResult {
        precondition(outputLimitBytes >= 0, "run needs a non-negative output limit")
        let child = try collectingCommand().spawn()
        guard let output = child.standardOutput, let error = child.standardError else {
            preconditionFailure("a child started with pipes has pipe readers")
        }
        defer {
            output.close()
            error.close()
        }
        let outputReading = Task { await output.collect(keepingAtMost: outputLimitBytes) }
        let errorReading = Task { await error.collect(keepingAtMost: outputLimitBytes) }

        var termination = await child.wait(timeout: timeout)
        let timedOut = termination == nil && !Task.isCancelled
        if termination == nil {
            // Not the caller's task: a cancellation must not cut the grace period short.
            termination = await Task { await child.terminate(gracePeriod: gracePeriod) }.value
        }
        let (standardOutput, standardError) = await Command.drain(
            outputReading,
            errorReading,
            limit: outputDrainLimit
        )
        let ending = await Task { await child.terminate(gracePeriod: gracePeriod) }.value
        if Task.isCancelled {
            throw ProcessControlError(
                code: .cancelled,
                message: "run of \(executable) cancelled; it was stopped (\(ending))"
            )
        }
        return CommandResult(
            termination: termination ?? ending,
            standardOutput: standardOutput,
            standardError: standardError,
            timedOut: timedOut
        )
    }

    /// The command as `run` starts it.
    private func collectingCommand() -> Command {
        var command = self
        command.standardOutput = .pipe
        command.standardError = .pipe
        if command.standardInput == .inherit || command.standardInput == .pipe {
            command.standardInput = .null
        }
        if command.processGroup == .inherit {
            command.processGroup = .newGroup
        }
        return command
    }

    /// Waits for both readings to end, at most `limit` (none when the task is cancelled).
    private static func drain(
        _ first: Task<PipeOutput, Never>,
        _ second: Task<PipeOutput, Never>,
        limit: Duration
    ) async -> (PipeOutput, PipeOutput) {
        let timer = Task {
            try? await Task.sleep(for: limit)
            first.cancel()
            second.cancel()
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            (await first.value, await second.value)
        } onCancel: {
            first.cancel()
            second.cancel()
        }
    }
}
