// Blocking framing for the driver side of the protocol: read one request from stdin, write one
// reply to stdout. A driver loops `while let request = try stdio.readRequest() { … }` and exits
// when vortex closes its stdin. A driver should ignore SIGPIPE (`signal(SIGPIPE, SIG_IGN)`) so a
// vanished reader turns into a thrown `.ioFailed` error instead of a silent death.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads requests from and writes replies to a driver's standard streams (or any descriptors).
public struct DriverStdio: Sendable {
    /// The descriptor requests are read from (stdin by default).
    public let input: Int32
    /// The descriptor replies are written to (stdout by default).
    public let output: Int32
    /// Requests announcing more events than this are rejected before reading their events.
    public let maximumEventCount: Int

    /// Framing over `input` and `output`.
    public init(
        input: Int32 = 0,
        output: Int32 = 1,
        maximumEventCount: Int = DriverProtocol.maximumEventsPerRequest
    ) {
        precondition(maximumEventCount > 0, "maximumEventCount must be positive")
        self.input = input
        self.output = output
        self.maximumEventCount = maximumEventCount
    }

    /// Reads one request; nil when the input ends cleanly before a request starts (vortex closed
    /// the driver's stdin: time to exit). Throws for a request cut short, an unknown operation,
    /// too many events, or a read error.
    public func readRequest() throws(ProtocolError) -> DriverRequest? {
        guard
            let headerBytes = try readExactly(
                DriverProtocol.requestHeaderByteCount,
                endOfFileAllowed: true
            )
        else { return nil }
        let header = try RequestHeader(decoding: headerBytes[...])
        guard header.eventCount <= maximumEventCount else {
            throw ProtocolError(
                .countTooLarge,
                "\(header.operation) announces \(header.eventCount) events; "
                    + "the limit is \(maximumEventCount)"
            )
        }
        let payload = try readExactly(header.payloadByteCount, endOfFileAllowed: false) ?? []
        return try DriverRequest.decode(
            operation: header.operation,
            count: header.eventCount,
            payload: payload[...]
        )
    }

    /// Writes one reply, after checking that it is a well-formed answer to `request` (the
    /// layout fits the operation; one result per event for dense creates, at most one per event
    /// otherwise).
    public func writeReply(_ reply: DriverReply, for request: DriverRequest) throws(ProtocolError) {
        guard reply.results.fits(request.operation) else {
            throw ProtocolError(
                .eventsDoNotMatchOperation,
                "these results are not a reply to \(request.operation)"
            )
        }
        try DriverReply.validateResultCount(reply.resultCount, for: request)
        try writeAll(reply.encode())
    }

    /// Writes `bytes` completely, retrying after interruptions and short writes.
    public func writeAll(_ bytes: [UInt8]) throws(ProtocolError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { raw in
                write(output, raw.baseAddress.map { $0 + written }, raw.count - written)
            }
            if result < 0 {
                let error = errno
                if error == EINTR { continue }
                throw ProtocolError(.ioFailed, "writing a reply failed: errno \(error)")
            }
            written += result
        }
    }

    /// Reads exactly `count` bytes; nil if the input ends before the first byte and
    /// `endOfFileAllowed`.
    private func readExactly(
        _ count: Int,
        endOfFileAllowed: Bool
    ) throws(ProtocolError) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let result = bytes.withUnsafeMutableBytes { raw in
                read(input, raw.baseAddress.map { $0 + filled }, count - filled)
            }
            if result < 0 {
                let error = errno
                if error == EINTR { continue }
                throw ProtocolError(.ioFailed, "reading a request failed: errno \(error)")
            }
            if result == 0 {
                if filled == 0 && endOfFileAllowed { return nil }
                throw ProtocolError(
                    .endOfFile,
                    "the input ended after \(filled) of \(count) bytes of a request"
                )
            }
            filled += result
        }
        return bytes
    }
}
