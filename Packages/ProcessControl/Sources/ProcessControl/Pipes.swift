// The parent's ends of a child's pipes: non-blocking descriptors driven by the reactor, so a
// task waiting for a driver's reply or a replica's log line holds no thread. Reads are
// cancellable (a deadline is a cancelled task); writes fail with `brokenPipe`, never SIGPIPE.

import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Owns one descriptor; closes it once, waking any waiter first.
final class OwnedDescriptor: Sendable {
    private let descriptor: Mutex<Int32?>

    init(_ descriptor: Int32) {
        self.descriptor = Mutex(descriptor)
    }

    deinit {
        close()
    }

    var value: Int32? {
        descriptor.withLock { $0 }
    }

    func close() {
        let taken = descriptor.withLock { value -> Int32? in
            let taken = value
            value = nil
            return taken
        }
        if let taken {
            Reactor.shared.cancelWait(taken)
            _ = Glibc.close(taken)
        }
    }
}

/// The parent's reading end of a child's pipe.
public final class PipeReader: Sendable {
    private let owned: OwnedDescriptor

    init(descriptor: Int32) {
        owned = OwnedDescriptor(descriptor)
    }

    /// The descriptor, while open.
    public var fileDescriptor: Int32? {
        owned.value
    }

    /// Reads up to `maximumCount` bytes as soon as any are available; `[]` at end of file.
    ///
    /// - Throws: `cancelled` when the task is cancelled, `ioFailed` when closed or failing.
    public func read(upTo maximumCount: Int) async throws(ProcessControlError) -> [UInt8] {
        precondition(maximumCount > 0, "read(upTo:) needs a positive count")
        // Bounded by readiness: every turn either returns or waits for the reactor.
        while true {
            guard let descriptor = owned.value else {
                throw ProcessControlError(code: .ioFailed, message: "read from a closed pipe")
            }
            var buffer = [UInt8](repeating: 0, count: maximumCount)
            let count = buffer.withUnsafeMutableBytes { bytes in
                Glibc.read(descriptor, bytes.baseAddress, maximumCount)
            }
            if count >= 0 {
                buffer.removeSubrange(count...)
                return buffer
            }
            let error = errno
            if error == EINTR { continue }
            if error != EAGAIN && error != EWOULDBLOCK {
                throw ProcessControlError(
                    code: .ioFailed,
                    message: "cannot read from a child's pipe",
                    underlyingError: Errno(rawValue: error)
                )
            }
            if !(await Reactor.shared.waitUntilReady(descriptor, writable: false)) {
                throw ProcessControlError(code: .cancelled, message: "pipe read cancelled")
            }
        }
    }

    /// Reads exactly `count` bytes.
    ///
    /// - Throws: `unexpectedEndOfFile` (saying how many arrived) when the pipe ends first.
    public func read(exactly count: Int) async throws(ProcessControlError) -> [UInt8] {
        precondition(count >= 0, "read(exactly:) needs a non-negative count")
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            let chunk = try await read(upTo: min(count - result.count, 1 << 20))
            if chunk.isEmpty {
                throw ProcessControlError(
                    code: .unexpectedEndOfFile,
                    message: "pipe ended after \(result.count) of \(count) bytes"
                )
            }
            result += chunk
        }
        return result
    }

    /// The pipe's lines, without their "\n". A line longer than `maximumLineLength` bytes is
    /// delivered in pieces of that length, so the buffer stays bounded.
    public func lines(maximumLineLength: Int = 65_536) -> PipeLines {
        precondition(maximumLineLength > 0, "lines(maximumLineLength:) needs a positive length")
        return PipeLines(reader: self, maximumLineLength: maximumLineLength)
    }

    /// Closes the parent's end; a pending read ends with `cancelled`.
    public func close() {
        owned.close()
    }
}

/// The lines of a pipe, as an async sequence.
public struct PipeLines: AsyncSequence, Sendable {
    /// Each element is one line.
    public typealias Element = String

    let reader: PipeReader
    let maximumLineLength: Int

    /// Makes the iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(reader: reader, maximumLineLength: maximumLineLength)
    }

    /// Reads and splits lines.
    public struct Iterator: AsyncIteratorProtocol {
        let reader: PipeReader
        let maximumLineLength: Int
        private var buffer: [UInt8] = []
        private var ended = false

        init(reader: PipeReader, maximumLineLength: Int) {
            self.reader = reader
            self.maximumLineLength = maximumLineLength
        }

        /// The next line, or nil at end of file.
        public mutating func next() async throws -> String? {
            // Bounded: each turn consumes a line or reads more; the buffer never exceeds
            // maximumLineLength + one read.
            while true {
                if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")),
                    newline <= maximumLineLength
                {
                    let line = String(decoding: buffer[..<newline], as: UTF8.self)
                    buffer.removeSubrange(...newline)
                    return line
                }
                if buffer.count >= maximumLineLength {
                    let line = String(decoding: buffer[..<maximumLineLength], as: UTF8.self)
                    buffer.removeSubrange(..<maximumLineLength)
                    return line
                }
                if ended {
                    if buffer.isEmpty { return nil }
                    let line = String(decoding: buffer, as: UTF8.self)
                    buffer = []
                    return line
                }
                let chunk = try await reader.read(upTo: Swift.min(maximumLineLength, 65_536))
                if chunk.isEmpty {
                    ended = true
                } else {
                    buffer += chunk
                }
            }
        }
    }
}

/// The parent's writing end of a child's pipe.
public final class PipeWriter: Sendable {
    private let owned: OwnedDescriptor

    init(descriptor: Int32) {
        owned = OwnedDescriptor(descriptor)
    }

    /// The descriptor, while open.
    public var fileDescriptor: Int32? {
        owned.value
    }

    /// Writes every byte, waiting while the pipe is full.
    ///
    /// - Throws: `brokenPipe` when the child closed its end (or exited), `cancelled`.
    public func write(_ bytes: [UInt8]) async throws(ProcessControlError) {
        var offset = 0
        // Bounded by progress: every turn writes some bytes or waits for the reactor.
        while offset < bytes.count {
            guard let descriptor = owned.value else {
                throw ProcessControlError(code: .ioFailed, message: "write to a closed pipe")
            }
            let count = bytes.withUnsafeBytes { buffer in
                Glibc.write(
                    descriptor,
                    buffer.baseAddress.map { $0 + offset },
                    bytes.count - offset
                )
            }
            if count > 0 {
                offset += count
                continue
            }
            let error = errno
            if error == EINTR { continue }
            if error == EPIPE {
                throw ProcessControlError(
                    code: .brokenPipe,
                    message: "the child closed its end of the pipe",
                    underlyingError: Errno(rawValue: error)
                )
            }
            if error != EAGAIN && error != EWOULDBLOCK {
                throw ProcessControlError(
                    code: .ioFailed,
                    message: "cannot write to a child's pipe",
                    underlyingError: Errno(rawValue: error)
                )
            }
            if !(await Reactor.shared.waitUntilReady(descriptor, writable: true)) {
                throw ProcessControlError(code: .cancelled, message: "pipe write cancelled")
            }
        }
    }

    /// Closes the parent's end: the child reads end of file.
    public func close() {
        owned.close()
    }
}
