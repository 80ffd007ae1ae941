// How vortex starts a driver and looks at its stdout between exchanges, the same for both
// workloads' drivers (DriverHandle: the ledger's binary protocol; the harness's RegisterDriver:
// the register's JSON lines): piped stdin and stdout, a process group of its own, a death
// signal; and, before each request, whether anything is waiting on stdout that belongs to no
// request (each protocol says what that means).

public import ProcessControl

#if canImport(Glibc)
import Glibc
#endif

/// A started driver: its process and the pipe ends of its stdin and stdout.
public struct PipedDriverProcess: Sendable {
    /// The driver process.
    public let process: ChildProcess
    /// Its stdin, where requests go.
    public let input: PipeWriter
    /// Its stdout, where replies come from.
    public let output: PipeReader
}

extension DriverCommand {
    /// Starts the driver with piped stdin and stdout. It leads its own process group, so ending
    /// it also ends anything it started, and is killed if vortex dies (death signal).
    public func spawnPiped() throws(ProcessControlError) -> PipedDriverProcess {
        var spawn = Command(tokens[0], arguments: Array(arguments.dropFirst()))
        spawn.standardInput = .pipe
        spawn.standardOutput = .pipe
        spawn.standardError = standardError
        spawn.environment = environment
        spawn.processGroup = .newGroup
        spawn.deathSignal = .kill
        let process = try spawn.spawn()
        guard let input = process.standardInput, let output = process.standardOutput else {
            preconditionFailure("a child spawned with pipes has both pipe ends")
        }
        return PipedDriverProcess(process: process, input: input, output: output)
    }
}

/// What waits on a driver's stdout when no reply is due.
public enum WaitingOutput: Sendable, Hashable {
    /// Nothing: the normal case.
    case nothing
    /// Bytes that belong to no request.
    case bytes([UInt8])
    /// The driver closed its stdout and then ended.
    case exited(Termination)
    /// The pipe is closed, cannot be read, or reached its end while the driver keeps running;
    /// one line saying so.
    case unreadable(String)
}

extension PipeReader {
    /// What waits on the stdout of `driver` right now (up to `limit` bytes), without waiting
    /// for output; at the end of the file, the driver's termination if it ends within a second.
    public func waitingOutput(upTo limit: Int, of driver: ChildProcess) async -> WaitingOutput {
        guard let descriptor = fileDescriptor else {
            return .unreadable("the driver's stdout is closed")
        }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 0) > 0 else { return .nothing }
        let bytes: [UInt8]
        do {
            bytes = try await read(upTo: limit)
        } catch {
            return .unreadable("cannot read the driver's stdout: \(error.description)")
        }
        guard bytes.isEmpty else { return .bytes(bytes) }
        if let termination = await driver.exitSoon() { return .exited(termination) }
        return .unreadable("the driver closed its stdout")
    }
}
