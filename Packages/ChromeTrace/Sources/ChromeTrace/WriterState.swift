// The mutable part of a trace writer, kept behind its mutex: the buffer of encoded events, the
// open file, the stack of open spans per (pid, tid) that checks begin/end pairing, and the first
// write error. Buffered bytes always hold whole events, so every write leaves the file as a
// prefix of the final trace that parses once `]` is appended.

#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif

/// A track of the trace: one thread of one process, as Chrome's viewer draws it.
struct ThreadKey: Hashable, Comparable {
    let pid: Int
    let tid: Int

    static func < (lhs: ThreadKey, rhs: ThreadKey) -> Bool {
        (lhs.pid, lhs.tid) < (rhs.pid, rhs.tid)
    }
}

struct WriterState: ~Copyable {
    /// Spans open at once across all tracks; more means spans are begun and never ended.
    static let openSpanCountMax = 65_536
    /// Retries of a `write` interrupted by a signal before the trace gives up.
    static let interruptedWriteRetriesMax = 1_000

    var buffer: JSONBuffer
    let path: String
    let flushThresholdBytes: Int
    let flushIntervalNanoseconds: Int64
    private(set) var fileDescriptor: Int32
    private(set) var eventCount = 0
    /// Open spans in the order they began; a track's innermost span is its last entry here.
    /// A flat array, not a dictionary of stacks: a run has few open spans, and a linear scan
    /// allocates nothing where a dictionary's in-place mutation allocates a coroutine frame.
    private(set) var openSpans: [(track: ThreadKey, name: String)] = []
    private(set) var writeError: TraceWriterError?
    private var lastFlushNanoseconds: Int64 = 0

    init(
        fileDescriptor: Int32,
        path: String,
        bufferCapacityBytes: Int,
        flushIntervalNanoseconds: Int64
    ) {
        precondition(fileDescriptor >= 0, "trace file must be open")
        precondition(bufferCapacityBytes > 0, "buffer capacity must be positive")
        precondition(flushIntervalNanoseconds >= 0, "flush interval must not be negative")
        self.fileDescriptor = fileDescriptor
        self.path = path
        self.flushThresholdBytes = bufferCapacityBytes
        self.flushIntervalNanoseconds = flushIntervalNanoseconds
        // Slack above the threshold so that an ordinary event never grows the buffer.
        self.buffer = JSONBuffer(capacity: bufferCapacityBytes + 4_096)
        self.openSpans.reserveCapacity(64)
    }

    var openSpanCount: Int { openSpans.count }

    var isClosed: Bool { fileDescriptor < 0 }

    /// Starts an event: the separator from the previous event (none before the first).
    mutating func beginEvent() {
        precondition(!isClosed, "event written after close")
        if eventCount > 0 {
            buffer.append(raw: ",\n")
        }
        eventCount += 1
    }

    /// Ends an event written since `beginEvent`, writing the buffer out when it is full or
    /// when the last write is older than the flush interval.
    mutating func endEvent(nowNanoseconds: Int64) {
        if buffer.count >= flushThresholdBytes
            || nowNanoseconds - lastFlushNanoseconds >= flushIntervalNanoseconds
        {
            writeBuffer()
            lastFlushNanoseconds = nowNanoseconds
        }
    }

    /// Records that span `name` began on `track`.
    mutating func pushSpan(_ name: String, on track: ThreadKey) {
        precondition(
            openSpans.count < Self.openSpanCountMax,
            "more than \(Self.openSpanCountMax) trace spans open: spans are begun and never ended"
        )
        openSpans.append((track, name))
    }

    /// The name of the innermost open span on `track`, if any.
    func innermostSpan(on track: ThreadKey) -> String? {
        innermostSpanIndex(on: track).map { openSpans[$0].name }
    }

    /// The tracks that have open spans, in (`pid`, `tid`) order.
    var tracksWithOpenSpans: [ThreadKey] {
        Set(openSpans.map(\.track)).sorted()
    }

    /// Records that the innermost span on `track` ended; returns false, changing nothing, when
    /// that span is not `name` (or no span is open there).
    mutating func popSpan(_ name: String, on track: ThreadKey) -> Bool {
        guard let index = innermostSpanIndex(on: track), openSpans[index].name == name else {
            return false
        }
        openSpans.remove(at: index)
        return true
    }

    private func innermostSpanIndex(on track: ThreadKey) -> Int? {
        openSpans.lastIndex { $0.track == track }
    }

    /// Writes every buffered byte to the file; after a write error, discards them instead.
    mutating func writeBuffer() {
        defer { buffer.removeAll() }
        guard writeError == nil else { return }
        var offset = 0
        var interruptions = 0
        while offset < buffer.count {
            #if canImport(Darwin)
            let written = Darwin.write(fileDescriptor, buffer.base + offset, buffer.count - offset)
            #else
            let written = Glibc.write(fileDescriptor, buffer.base + offset, buffer.count - offset)
            #endif
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR, interruptions < Self.interruptedWriteRetriesMax {
                interruptions += 1
            } else {
                let code = written < 0 ? errno : EIO
                writeError = TraceWriterError(operation: .write, path: path, errnoCode: code)
                return
            }
        }
    }

    /// Writes out the buffer and closes the file; returns the first error of the writer's life.
    mutating func closeFile() -> TraceWriterError? {
        precondition(!isClosed, "trace file closed twice")
        writeBuffer()
        var error = writeError
        #if canImport(Darwin)
        let closeResult = Darwin.close(fileDescriptor)
        #else
        let closeResult = Glibc.close(fileDescriptor)
        #endif
        if closeResult != 0, error == nil {
            error = TraceWriterError(operation: .close, path: path, errnoCode: errno)
        }
        fileDescriptor = -1
        return error
    }
}
