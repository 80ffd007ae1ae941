// One register driver process: a request line to its stdin, one reply line from its stdout,
// against a deadline. Nothing a driver does can hang or crash the harness: an exit, a closed
// pipe, a line too long, two lines for one request and silence past the deadline each become a
// RegisterDriverError. Its process is started as the ledger's is (own process group, killed if
// vortex dies, stderr appended to driver.log), and `kill()` ends it and its whole group at once:
// the harness replaces a driver that timed out, because it might still apply the request.

import ProcessControl
import Workload

/// Why an exchange with a register driver failed.
enum RegisterDriverError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The driver could not be started.
    case startFailed(String)
    /// The driver ended on its own.
    case exited(Termination)
    /// Writing the request failed while the driver was alive.
    case requestWriteFailed(String)
    /// The reply broke the protocol.
    case replyInvalid(String)
    /// No complete reply before the deadline.
    case timedOut(after: Duration)
    /// The run is stopping (the task was cancelled).
    case cancelled
    /// The end status after SIGTERM was not SIGTERM, exit 143 or exit 0.
    case wrongEndStatus(Termination)

    /// The outcome of a run that stops with this error.
    var outcome: RunOutcome {
        switch self {
        case .startFailed: .usage
        case .exited: .driverExitedEarly
        case .requestWriteFailed: .driverRequestWrite
        case .replyInvalid, .timedOut: .driverReplyUnreadable
        case .cancelled: .interrupted
        case .wrongEndStatus: .driverExitStatus
        }
    }

    var description: String {
        switch self {
        case .startFailed(let reason): "the driver could not be started: \(reason)"
        case .exited(let termination): "the driver exited early: \(termination)"
        case .requestWriteFailed(let reason): "writing a request to the driver failed: \(reason)"
        case .replyInvalid(let reason): "malformed reply: \(reason)"
        case .timedOut(let after):
            "no reply within \(DurationSyntax.formatMilliseconds(after))"
        case .cancelled: "the run stopped before the reply"
        case .wrongEndStatus(let termination):
            "the driver ended with \(termination) after SIGTERM (expected SIGTERM, exit 143 or "
                + "exit 0)"
        }
    }
}

/// A running register driver.
actor RegisterDriver {
    /// The driver process.
    nonisolated let process: ChildProcess
    private let input: PipeWriter
    private let output: PipeReader
    /// Bytes read past the last reply line (must stay empty between exchanges).
    private var buffer: [UInt8] = []
    private var finished = false

    /// Starts `command` with piped stdin and stdout, in its own process group, killed with
    /// vortex.
    init(command: DriverCommand) throws(RegisterDriverError) {
        let driver: PipedDriverProcess
        do {
            driver = try command.spawnPiped()
        } catch {
            throw .startFailed(error.description)
        }
        process = driver.process
        input = driver.input
        output = driver.output
    }

    /// Sends `line` and returns the reply line (without its newline), both within `timeout`.
    func exchange(_ line: String, timeout: Duration) async throws(RegisterDriverError) -> String {
        precondition(!finished, "exchange after the driver was ended")
        let deadline = ContinuousClock.now + timeout
        try await checkNoStrayOutput()
        try await write(Array((line + "\n").utf8), deadline: deadline, timeout: timeout)
        // Bounded by the line limit: each turn adds bytes or throws.
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let reply = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                guard buffer.isEmpty else {
                    throw .replyInvalid(
                        "more output followed the reply \(RegisterProtocol.shown(reply)) (one "
                            + "line per request)"
                    )
                }
                return reply
            }
            guard buffer.count <= RegisterProtocol.replyLineByteCountMax else {
                throw .replyInvalid(
                    "a reply line longer than \(RegisterProtocol.replyLineByteCountMax) bytes"
                )
            }
            buffer += try await readChunk(deadline: deadline, timeout: timeout)
        }
    }

    /// Ends the driver politely: closes its stdin, SIGTERM, SIGKILL after `gracePeriod`.
    /// SIGTERM, exit 143 and exit 0 are the accepted ends.
    func finish(gracePeriod: Duration) async throws(RegisterDriverError) {
        precondition(!finished, "finish twice")
        finished = true
        if let termination = process.termination {
            output.close()
            throw .exited(termination)
        }
        input.close()
        let termination = await process.terminate(gracePeriod: gracePeriod)
        output.close()
        switch termination {
        case .signaled(.terminate, _), .exited(143), .exited(0): return
        default: throw .wrongEndStatus(termination)
        }
    }

    /// SIGKILLs the driver's whole process group and waits until the driver is reaped.
    func kill() async {
        finished = true
        input.close()
        try? process.kill()
        _ = await process.wait()
        output.close()
    }

    // MARK: Pipes

    private enum PipeOutcome: Sendable {
        case bytes([UInt8])
        case failed(ProcessControlError)
        case deadlinePassed
    }

    private func write(
        _ bytes: [UInt8],
        deadline: ContinuousClock.Instant,
        timeout: Duration
    ) async throws(RegisterDriverError) {
        let input = self.input
        let outcome = await raceDeadline(deadline, onDeadline: PipeOutcome.deadlinePassed) {
            do throws(ProcessControlError) {
                try await input.write(bytes)
                return .bytes([])
            } catch {
                return .failed(error)
            }
        }
        try Task.checkCancellationAsDriverError()
        switch outcome {
        case .bytes: return
        case .deadlinePassed: throw .timedOut(after: timeout)
        case .failed(let error):
            if let termination = await process.exitSoon() {
                throw .exited(termination)
            }
            throw .requestWriteFailed(error.description)
        }
    }

    private func readChunk(
        deadline: ContinuousClock.Instant,
        timeout: Duration
    ) async throws(RegisterDriverError) -> [UInt8] {
        let output = self.output
        let outcome = await raceDeadline(deadline, onDeadline: PipeOutcome.deadlinePassed) {
            do throws(ProcessControlError) {
                return .bytes(try await output.read(upTo: 65_536))
            } catch {
                return .failed(error)
            }
        }
        try Task.checkCancellationAsDriverError()
        switch outcome {
        case .bytes(let chunk) where !chunk.isEmpty:
            return chunk
        case .bytes:
            if let termination = await process.exitSoon() {
                throw .exited(termination)
            }
            throw .replyInvalid("the driver closed its stdout")
        case .deadlinePassed:
            throw .timedOut(after: timeout)
        case .failed(let error):
            throw .replyInvalid("cannot read the reply: \(error.description)")
        }
    }

    /// Output waiting before a request belongs to no request: a previous reply had more lines.
    private func checkNoStrayOutput() async throws(RegisterDriverError) {
        let stray: [UInt8]
        switch await output.waitingOutput(upTo: 256, of: process) {
        case .nothing: return
        case .unreadable(let reason): throw .replyInvalid(reason)
        case .exited(let termination): throw .exited(termination)
        case .bytes(let bytes): stray = bytes
        }
        throw .replyInvalid(
            "output between replies: "
                + RegisterProtocol.shown(String(decoding: stray, as: UTF8.self))
        )
    }
}

extension Task where Success == Never, Failure == Never {
    /// Throws `.cancelled` when the current task is cancelled.
    fileprivate static func checkCancellationAsDriverError() throws(RegisterDriverError) {
        if Task.isCancelled { throw .cancelled }
    }
}
