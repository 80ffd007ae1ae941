// The one error type of the driver protocol codec and framing: what was wrong with the bytes (or
// the stream), in one line a user can act on.

/// A request or reply that does not follow the driver protocol, or a stream that broke while
/// reading or writing one.
public struct ProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Code: Sendable, Hashable {
        /// The operation byte is not one of `Operation`'s values.
        case unknownOperation
        /// Fewer bytes than the layout needs.
        case truncated
        /// More bytes than the header's count announces.
        case trailingBytes
        /// A count above what the request allows (`DriverProtocol.maximumEventsPerRequest`, or
        /// more results than events).
        case countTooLarge
        /// A dense create reply whose result count differs from the request's event count.
        case countMismatch
        /// The events do not fit the operation (for example transfers for `create_accounts`).
        case eventsDoNotMatchOperation
        /// The stream ended (cleanly) in the middle of a frame.
        case endOfFile
        /// Reading or writing the stream failed.
        case ioFailed
    }

    /// What kind of problem it is.
    public let code: Code
    /// One line saying what is wrong.
    public let message: String

    /// Creates an error of `code` described by `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
