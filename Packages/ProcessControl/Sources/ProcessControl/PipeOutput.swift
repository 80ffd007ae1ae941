// Reading a pipe to its end with a limit on the bytes kept and on the time waited. A descendant
// of the child that inherited the pipe keeps it open after the child exits, so "until end of
// file" alone can wait forever; and a chatty child must not fill memory.

/// What was read from a pipe until its end or a time limit.
public struct PipeOutput: Sendable, Hashable {
    /// The bytes kept: the first ones, up to the limit given.
    public var bytes: [UInt8]
    /// Bytes that arrived beyond the limit: read (so the writer never blocked on a full pipe)
    /// and dropped.
    public var droppedByteCount: Int
    /// True when the pipe reached end of file: every process holding its writing end had closed
    /// it. False when reading stopped first (time limit or cancellation), usually because a
    /// descendant of the child still held the pipe open; what it wrote later is not here.
    public var reachedEndOfFile: Bool

    /// The bytes as UTF-8 text (invalid sequences replaced).
    public var text: String {
        String(decoding: bytes, as: UTF8.self)
    }
}

extension PipeReader {
    /// Reads until end of file, or until `timeout` has passed, keeping the first
    /// `maximumByteCount` bytes and reading and dropping the rest.
    ///
    /// - Throws: `cancelled` when the task is cancelled (the bytes read so far are lost).
    public func readToEnd(
        keepingAtMost maximumByteCount: Int,
        timeout: Duration
    ) async throws(ProcessControlError) -> PipeOutput {
        precondition(maximumByteCount >= 0, "readToEnd needs a non-negative byte count")
        let output = await withTaskGroup(of: PipeOutput?.self) { group in
            group.addTask { await self.collect(keepingAtMost: maximumByteCount) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            var collected = PipeOutput(bytes: [], droppedByteCount: 0, reachedEndOfFile: false)
            // Two tasks: the first to finish stops the other.
            for await result in group {
                if let result {
                    collected = result
                }
                group.cancelAll()
            }
            return collected
        }
        if Task.isCancelled {
            throw ProcessControlError(code: .cancelled, message: "pipe read cancelled")
        }
        return output
    }

    /// Reads until end of file or until the task is cancelled, keeping at most
    /// `maximumByteCount` bytes. Read errors end the reading like a cancellation.
    func collect(keepingAtMost maximumByteCount: Int) async -> PipeOutput {
        var output = PipeOutput(bytes: [], droppedByteCount: 0, reachedEndOfFile: false)
        // Bounded by the pipe: each turn consumes bytes, reaches the end, or stops on
        // cancellation (checked every turn, as a writer that never pauses never lets a read
        // wait).
        while !Task.isCancelled {
            let chunk: [UInt8]
            do {
                chunk = try await read(upTo: 65_536)
            } catch {
                return output
            }
            if chunk.isEmpty {
                output.reachedEndOfFile = true
                return output
            }
            let room = max(0, maximumByteCount - output.bytes.count)
            output.bytes += chunk.prefix(room)
            output.droppedByteCount += max(0, chunk.count - room)
        }
        return output
    }
}
