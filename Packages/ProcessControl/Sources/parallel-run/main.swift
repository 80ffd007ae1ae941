// parallel-run: runs shell commands side by side and prints each one's output, every line
// prefixed with the command's number, once the command has ended. It is an example of
// ProcessControl for someone who has never used it: `Command.run` with a time limit, Ctrl-C
// through a `SignalWatcher`, and `ProcessTree` so that nothing a command started is left running,
// even if this program is killed.
//
//   parallel-run [--jobs N] [--timeout SECONDS] COMMAND...
//
// Each COMMAND runs as `/bin/sh -c COMMAND`, at most N at once (default 4), each for at most
// SECONDS (default 60; then SIGTERM to everything it started, SIGKILL 2 s later). Ctrl-C stops
// every running command the same way; a second Ctrl-C kills everything at once. Exit status: 0
// when every command exited with 0, 1 when one failed or timed out, 2 for bad usage, 130 when
// interrupted.

import ProcessControl

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

struct Options {
    var jobs = 4
    var timeoutSeconds = 60.0
    var commands: [String] = []

    /// Parses the command line; nil when it is not valid.
    init?(_ arguments: ArraySlice<String>) {
        var rest = arguments
        while let first = rest.first, first.hasPrefix("--") {
            rest = rest.dropFirst()
            if first == "--" { break }
            guard let value = rest.popFirst() else { return nil }
            switch first {
            case "--jobs":
                guard let jobs = Int(value), jobs > 0 else { return nil }
                self.jobs = jobs
            case "--timeout":
                guard let seconds = Double(value), seconds > 0 else { return nil }
                timeoutSeconds = seconds
            default:
                return nil
            }
        }
        commands = Array(rest)
        if commands.isEmpty { return nil }
    }
}

/// Writes text to a descriptor at once (standard output and error stay in order).
func emit(_ text: String, to descriptor: Int32) {
    var bytes = Array(text.utf8)[...]
    // Bounded by progress: each turn writes some bytes or stops.
    while !bytes.isEmpty {
        let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if count <= 0 { return }
        bytes = bytes.dropFirst(count)
    }
}

/// Prints one command's output and how it ended; returns whether it succeeded.
func report(number: Int, outcome: Result<CommandResult, ProcessControlError>) -> Bool {
    let prefix = "[\(number)] "
    let result: CommandResult
    switch outcome {
    case .failure(let error):
        emit(prefix + "\(error)\n", to: 2)
        return false
    case .success(let success):
        result = success
    }
    for (output, descriptor) in [(result.standardOutput, Int32(1)), (result.standardError, 2)] {
        var text = output.text
        if text.hasSuffix("\n") { text.removeLast() }
        if !text.isEmpty {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            emit(lines.map { prefix + $0 + "\n" }.joined(), to: descriptor)
        }
        if output.droppedByteCount > 0 {
            emit(prefix + "(\(output.droppedByteCount) more bytes dropped)\n", to: descriptor)
        }
    }
    let ending = result.timedOut ? "timed out, \(result.termination)" : "\(result.termination)"
    emit(prefix + ending + "\n", to: 1)
    return result.termination.isSuccess && !result.timedOut
}

/// Runs every command, at most `options.jobs` at once; returns how many did not succeed.
func runAll(_ options: Options) async -> Int {
    let timeout = Duration.milliseconds(Int(options.timeoutSeconds * 1000))
    return await withTaskGroup(of: (Int, Result<CommandResult, ProcessControlError>).self) {
        group in
        var next = 0
        var failures = 0
        func startNext() {
            guard next < options.commands.count else { return }
            let number = next + 1
            let command = Command("/bin/sh", arguments: ["-c", options.commands[next]])
            next += 1
            group.addTask {
                do throws(ProcessControlError) {
                    return (number, .success(try await command.run(timeout: timeout)))
                } catch {
                    return (number, .failure(error))
                }
            }
        }
        for _ in 0..<options.jobs { startNext() }
        // Bounded: one turn per command.
        while let (number, outcome) = await group.next() {
            if !report(number: number, outcome: outcome) { failures += 1 }
            if !Task.isCancelled { startNext() }
        }
        return failures
    }
}

// First thing: from here on, this program runs under a guard that kills whatever is left of
// its process tree when it ends, however it ends.
try ProcessTree.relaunchUnderReaperIfNeeded()
let signals = try SignalWatcher([.interrupt, .terminate])

guard let options = Options(CommandLine.arguments.dropFirst()) else {
    emit("usage: parallel-run [--jobs N] [--timeout SECONDS] COMMAND...\n", to: 2)
    exit(2)
}
let runner = Task { await runAll(options) }
let interrupter = Task {
    for await _ in signals.signals {
        runner.cancel()  // Each `run` stops its command: SIGTERM, then SIGKILL.
        return true
    }
    return false
}
let failures = await runner.value
signals.stop()
if await interrupter.value {
    exit(130)
}
exit(failures == 0 ? 0 : 1)
