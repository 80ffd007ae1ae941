// One direction of a proxied connection (client → upstream, or back): takes the chunks read on
// one side, applies that direction's faults, and writes them to the other side in order.
//
// With no fault active and nothing queued, a chunk is written straight through (the fast path the
// benchmark measures). Otherwise chunks wait in a bounded queue until their release time (delay),
// their bandwidth tokens, and the end of a clog; the queue's bound back-pressures the reading
// side, so a slow or clogged direction holds at most `pendingBytesMax` (plus one read burst) in
// the proxy and the rest in the kernel's socket buffers. Confined to the connection's event loop.

import NIOCore

/// A chunk waiting to be forwarded.
private struct PendingChunk {
    var buffer: ByteBuffer
    /// Not forwarded before this instant (the chunk's delay).
    let releaseAt: NIODeadline
    /// Whether the chunk has already been counted as throttled.
    var throttled: Bool
}

/// Forwards one direction of a connection through that direction's faults.
final class DirectionPipe {
    /// Bytes queued before the reading side stops reading (its sender is then back-pressured).
    static let pendingBytesMax = 4 * 1024 * 1024

    private enum EndOfInput {
        /// The reading side is still open.
        case open
        /// EOF was read; forward it once every queued chunk has been written.
        case pending
        /// EOF was forwarded (the writing side's output is closed).
        case forwarded
    }

    let direction: ProxyDirection
    private let eventLoop: any EventLoop
    private let counters: ProxyCounterCells
    private var input: ForwardingHandler?
    private var output: ForwardingHandler?
    private var faults: DirectionFaults
    private var random: FaultRandom
    private var pending = CircularBuffer<PendingChunk>(initialCapacity: 16)
    private var pendingBytes = 0
    private var lastReleaseAt = NIODeadline.uptimeNanoseconds(0)
    private var bucket = TokenBucket()
    private var endOfInput = EndOfInput.open
    /// The side this pipe writes to must close fully (not just its output) after the last chunk.
    private var closeOutputSideAtEnd = false
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var wroteSinceFlush = false

    init(
        direction: ProxyDirection,
        from input: ForwardingHandler,
        to output: ForwardingHandler,
        faults: DirectionFaults,
        random: FaultRandom,
        counters: ProxyCounterCells,
        eventLoop: any EventLoop
    ) {
        self.direction = direction
        self.input = input
        self.output = output
        self.faults = faults
        self.random = random
        self.counters = counters
        self.eventLoop = eventLoop
    }

    /// `true` while the reading side may read more: the queue is under its bound and the
    /// writing side's channel is below its high water mark.
    var mayRead: Bool {
        guard let output else { return false }
        return pendingBytes < Self.pendingBytesMax && output.isWritable
    }

    /// A chunk read from the input side.
    func receive(_ buffer: ByteBuffer) {
        eventLoop.assertInEventLoop()
        guard let output else { return }
        precondition(endOfInput == .open, "data read after EOF")
        if pending.isEmpty && faults.isTransparent {
            counters.addBytes(buffer.readableBytes, direction: direction)
            output.write(buffer)
            wroteSinceFlush = true
            return
        }
        enqueue(buffer, now: .now())
        drain()
    }

    /// The input side finished one batch of reads: flush what went straight through.
    func receiveComplete() {
        if wroteSinceFlush {
            wroteSinceFlush = false
            output?.flush()
        }
    }

    /// The input side read EOF: forward it after every queued chunk.
    func inputEnded() {
        eventLoop.assertInEventLoop()
        guard endOfInput == .open else { return }
        endOfInput = .pending
        drain()
    }

    /// The input side closed completely without an error: forward EOF after every queued chunk,
    /// then close the output side fully (nothing can flow back to a closed socket).
    func inputClosed() {
        eventLoop.assertInEventLoop()
        closeOutputSideAtEnd = true
        switch endOfInput {
        case .open:
            inputEnded()
        case .pending:
            break
        case .forwarded:
            output?.closeAfterPendingWrites()
        }
    }

    /// The output side's channel became writable again: let the input side read.
    func outputBecameWritable() {
        if mayRead {
            input?.resumeReading()
        }
    }

    /// New faults for this direction. Chunks already queued keep their release time; a lifted
    /// clog releases everything held.
    func apply(_ newFaults: DirectionFaults) {
        eventLoop.assertInEventLoop()
        if newFaults.bandwidthBytesPerSecond != faults.bandwidthBytesPerSecond {
            bucket = TokenBucket()
        }
        faults = newFaults
        drain()
    }

    /// The connection is closing: drop everything queued and cut the links to the handlers.
    func shutDown() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
        pending.removeAll()
        pendingBytes = 0
        input = nil
        output = nil
    }

    private func enqueue(_ buffer: ByteBuffer, now: NIODeadline) {
        var chunk = buffer
        if faults.corruptProbability > 0 && random.chance(faults.corruptProbability) {
            corrupt(&chunk)
            counters.add(.chunksCorrupted)
        }
        var releaseAt = now
        if faults.delay > .zero || faults.jitter > .zero {
            releaseAt = now + delayWithJitter()
            counters.add(.chunksDelayed)
        }
        // Never overtake the chunk before: byte order is preserved.
        releaseAt = max(releaseAt, lastReleaseAt)
        lastReleaseAt = releaseAt
        if faults.clogged {
            counters.add(.chunksHeld)
        }
        pendingBytes += chunk.readableBytes
        pending.append(PendingChunk(buffer: chunk, releaseAt: releaseAt, throttled: false))
    }

    /// `delay + U[-jitter, +jitter]`, never negative.
    private func delayWithJitter() -> TimeAmount {
        let delayNanoseconds = Self.nanoseconds(faults.delay)
        let jitterNanoseconds = Self.nanoseconds(faults.jitter)
        var total = delayNanoseconds
        if jitterNanoseconds > 0 {
            total += Int64.random(in: -jitterNanoseconds...jitterNanoseconds, using: &random)
        }
        return .nanoseconds(max(total, 0))
    }

    /// Shuffles all bytes of the chunk (Fisher–Yates) or zeroes them, 50/50, as the original.
    private func corrupt(_ chunk: inout ByteBuffer) {
        let zero = random.next() & 1 == 0
        chunk.withUnsafeMutableReadableBytes { bytes in
            if zero {
                bytes.initializeMemory(as: UInt8.self, repeating: 0)
                return
            }
            var index = bytes.count - 1
            while index > 0 {
                let other = Int.random(in: 0...index, using: &random)
                bytes.swapAt(index, other)
                index -= 1
            }
        }
    }

    /// Writes every chunk whose time has come, then schedules a wake-up for the next one.
    private func drain() {
        guard let output else { return }
        let now = NIODeadline.now()
        var wakeUpAt: NIODeadline?
        while !faults.clogged, var head = pending.first {
            if head.releaseAt > now {
                wakeUpAt = head.releaseAt
                break
            }
            var piece = head.buffer
            if let rate = faults.bandwidthBytesPerSecond {
                bucket.refill(now: now, bytesPerSecond: rate)
                let pieceBytes = min(head.buffer.readableBytes, TokenBucket.sliceBytes(rate))
                guard bucket.tokens >= Double(pieceBytes) else {
                    if !head.throttled {
                        head.throttled = true
                        pending[pending.startIndex] = head
                        counters.add(.chunksThrottled)
                    }
                    wakeUpAt = now + bucket.wait(for: pieceBytes, bytesPerSecond: rate)
                    break
                }
                bucket.take(pieceBytes)
                if pieceBytes < head.buffer.readableBytes {
                    piece = head.buffer.readSlice(length: pieceBytes) ?? ByteBuffer()
                    pending[pending.startIndex] = head
                } else {
                    pending.removeFirst()
                }
            } else {
                pending.removeFirst()
            }
            pendingBytes -= piece.readableBytes
            counters.addBytes(piece.readableBytes, direction: direction)
            output.write(piece)
            wroteSinceFlush = true
        }
        receiveComplete()
        schedule(at: wakeUpAt)
        if pending.isEmpty && endOfInput == .pending {
            endOfInput = .forwarded
            if closeOutputSideAtEnd {
                output.closeAfterPendingWrites()
            } else {
                output.closeOutputAfterPendingWrites()
            }
        }
        if mayRead {
            input?.resumeReading()
        }
    }

    private func schedule(at deadline: NIODeadline?) {
        if deadline == timerDeadline {
            return
        }
        timer?.cancel()
        timer = nil
        timerDeadline = deadline
        guard let deadline else { return }
        timer = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            timerDeadline = nil
            drain()
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// A token bucket for one direction: tokens accrue at the configured rate up to one slice, and
/// a chunk larger than a slice is forwarded in slices so the rate holds at fine grain.
struct TokenBucket {
    /// Tokens (bytes) available now.
    private(set) var tokens: Double = 0
    private var refilledAt: NIODeadline?

    /// At most 20 ms worth of the rate, at most 64 KiB, at least 1 byte per slice.
    static func sliceBytes(_ bytesPerSecond: Int) -> Int {
        max(1, min(64 * 1024, bytesPerSecond / 50))
    }

    mutating func refill(now: NIODeadline, bytesPerSecond: Int) {
        let capacity = Double(Self.sliceBytes(bytesPerSecond))
        guard let refilledAt else {
            self.refilledAt = now
            tokens = capacity
            return
        }
        let elapsedSeconds = Double((now - refilledAt).nanoseconds) / 1e9
        tokens = min(capacity, tokens + elapsedSeconds * Double(bytesPerSecond))
        self.refilledAt = now
    }

    mutating func take(_ bytes: Int) {
        precondition(Double(bytes) <= tokens, "taking more tokens than available")
        tokens -= Double(bytes)
    }

    func wait(for bytes: Int, bytesPerSecond: Int) -> TimeAmount {
        let missing = max(0, Double(bytes) - tokens)
        return .nanoseconds(Int64((missing / Double(bytesPerSecond) * 1e9).rounded(.up)) + 1)
    }
}
