// A running driver process: requests go to its stdin, replies come from its stdout, one request
// at a time, each reply read against a deadline. Nothing a driver does can crash or hang the
// harness: death, a short, long or malformed reply and silence all become a `DriverError`. The
// exact reply size is known from the request (dense creates) or bounded by it (lookups, sparse
// creates), so a reply is read with two exact reads and never buffered beyond its size.

public import ProcessControl

/// A driver process speaking the driver protocol.
public actor DriverHandle {
    /// The driver process (its pid for logs, its termination for exit detection).
    public nonisolated let process: ChildProcess
    private let input: PipeWriter
    private let output: PipeReader
    private var failure: DriverError?
    private var finished = false
    /// Requests answered so far.
    public private(set) var requestsAnswered = 0

    /// Starts the driver: `<tokens...> <cluster> <addresses>` with piped stdin and stdout. The
    /// driver is killed if the harness dies (death signal) and leads its own process group, so
    /// ending it also ends anything it started.
    public init(command: DriverCommand) throws(DriverError) {
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

    /// How the driver ended, nil while it runs (non-blocking).
    public nonisolated var termination: Termination? { process.termination }

    /// Waits until the driver has ended (the harness races this against the run to detect a
    /// driver exiting on its own: exit code 10).
    public nonisolated func waitForExit() async -> Termination {
        await process.wait()
    }

    /// Sends `request` and returns the driver's reply, checked for framing against the request
    /// (exact size for dense creates, at most one result per event otherwise). After any error
    /// the handle is unusable: later calls throw the same error.
    public func send(
        _ request: DriverRequest,
        timeout: Duration
    ) async throws(DriverError) -> DriverReply {
        precondition(!finished, "send after finish")
        if let failure { throw failure }
        // One deadline for the whole exchange: a driver that stops reading its stdin blocks the
        // write of a large request just as a silent one blocks the read.
        let deadline = ContinuousClock.now + timeout
        let timedOut = DriverError.timedOut(
            operation: request.operation,
            eventCount: request.eventCount,
            after: timeout
        )
        do {
            try await checkNoStrayOutput()
            try await write(request.encode(), deadline: deadline, timedOut: timedOut)
            let reply = try await readReply(for: request, deadline: deadline, timedOut: timedOut)
            requestsAnswered += 1
            return reply
        } catch {
            failure = error
            throw error
        }
    }

    /// Ends the driver: checks no stray output is pending, closes its stdin, sends SIGTERM
    /// and waits (SIGKILL after `gracePeriod`). SIGTERM, exit 143 and exit 0 are the accepted
    /// endings; a driver that had already exited is reported as `.exited`.
    public func finish(gracePeriod: Duration = .seconds(5)) async throws(DriverError) {
        precondition(!finished, "finish twice")
        finished = true
        if let termination = process.termination {
            throw DriverError.exited(termination)
        }
        let stray: DriverError?
        if failure == nil {
            do {
                try await checkNoStrayOutput()
                stray = nil
            } catch {
                stray = error
            }
        } else {
            stray = nil
        }
        input.close()
        let termination = await process.terminate(gracePeriod: gracePeriod)
        output.close()
        if let stray { throw stray }
        switch termination {
        case .signaled(.terminate, _), .exited(143), .exited(0): return
        default: throw DriverError.wrongEndStatus(termination)
        }
    }

    /// Kills the driver (and its process group) and waits until it is reaped: for failure paths.
    public func kill() async {
        finished = true
        input.close()
        try? process.kill()
        _ = await process.wait()
        output.close()
    }

    // MARK: Framing

    private enum WriteOutcome: Sendable {
        case written
        case failed(ProcessControlError)
        case deadlinePassed
    }

    /// Writes all of `bytes` or fails: the deadline cancels the write.
    private func write(
        _ bytes: [UInt8],
        deadline: ContinuousClock.Instant,
        timedOut: DriverError
    ) async throws(DriverError) {
        let input = self.input
        let outcome = await raceDeadline(deadline, onDeadline: WriteOutcome.deadlinePassed) {
            do throws(ProcessControlError) {
                try await input.write(bytes)
                return .written
            } catch {
                return .failed(error)
            }
        }
        switch outcome {
        case .written:
            return
        case .deadlinePassed:
            throw timedOut
        case .failed(let error):
            if let termination = await process.exitSoon() { throw .exited(termination) }
            throw .requestWriteFailed(error.description)
        }
    }

    private func readReply(
        for request: DriverRequest,
        deadline: ContinuousClock.Instant,
        timedOut: DriverError
    ) async throws(DriverError) -> DriverReply {
        let header = try await read(
            exactly: DriverProtocol.replyHeaderByteCount,
            deadline: deadline,
            timedOut: timedOut,
            isStartOfReply: true
        )
        let resultCount = Int(
            UInt32(header[0]) | UInt32(header[1]) << 8 | UInt32(header[2]) << 16
                | UInt32(header[3]) << 24
        )
        do {
            try DriverReply.validateResultCount(resultCount, for: request)
        } catch {
            throw .replyInvalid(error.description)
        }
        let payload = try await read(
            exactly: resultCount * request.operation.resultByteCount,
            deadline: deadline,
            timedOut: timedOut,
            isStartOfReply: false
        )
        do {
            return try DriverReply.decode(
                operation: request.operation,
                count: resultCount,
                payload: payload[...],
                eventCount: request.eventCount
            )
        } catch {
            throw .replyInvalid(error.description)
        }
    }

    private enum ReadOutcome: Sendable {
        case bytes([UInt8])
        case endOfFile(received: Int)
        case failed(ProcessControlError)
        case deadlinePassed
    }

    /// Reads until `count` bytes arrived or the pipe ends; cancellable.
    private static func readAll(_ count: Int, from output: PipeReader) async -> ReadOutcome {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        // Bounded by progress: each turn adds bytes, or returns at end of file or on error.
        while bytes.count < count {
            do throws(ProcessControlError) {
                let chunk = try await output.read(upTo: min(count - bytes.count, 1 << 20))
                if chunk.isEmpty { return .endOfFile(received: bytes.count) }
                bytes += chunk
            } catch {
                return .failed(error)
            }
        }
        return .bytes(bytes)
    }

    /// Reads exactly `count` bytes or fails: the deadline cancels the read.
    private func read(
        exactly count: Int,
        deadline: ContinuousClock.Instant,
        timedOut: DriverError,
        isStartOfReply: Bool
    ) async throws(DriverError) -> [UInt8] {
        if count == 0 { return [] }
        let output = self.output
        let outcome = await raceDeadline(deadline, onDeadline: ReadOutcome.deadlinePassed) {
            await Self.readAll(count, from: output)
        }
        switch outcome {
        case .bytes(let bytes):
            return bytes
        case .deadlinePassed:
            throw timedOut
        case .endOfFile(let received):
            let termination = await process.exitSoon()
            if isStartOfReply, received == 0, let termination {
                throw .exited(termination)
            }
            let status = termination.map { "; the driver then ended: \($0)" } ?? ""
            let part = isStartOfReply ? "header" : "results"
            throw .replyInvalid(
                "reply too short: its \(part) ended after \(received) of \(count) bytes\(status)"
            )
        case .failed(let error):
            throw .replyInvalid("cannot read the reply: \(error.description)")
        }
    }

    /// Bytes waiting on stdout before a request is sent belong to no request: the previous reply
    /// was too long. End of file there means the driver closed stdout (it is probably exiting).
    private func checkNoStrayOutput() async throws(DriverError) {
        let stray: [UInt8]
        switch await output.waitingOutput(upTo: 256, of: process) {
        case .nothing: return
        case .unreadable(let reason): throw .replyInvalid(reason)
        case .exited(let termination): throw .exited(termination)
        case .bytes(let bytes): stray = bytes
        }
        let shown = stray.prefix(16).map { String($0, radix: 16) }.joined(separator: " ")
        throw .replyInvalid(
            "reply too long: \(stray.count)+ bytes followed the reply to request "
                + "\(requestsAnswered) (starting \(shown))"
        )
    }
}
