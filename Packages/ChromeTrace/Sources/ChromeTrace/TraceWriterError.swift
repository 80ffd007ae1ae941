// The one error a trace writer reports: the trace file could not be created or written. Event
// calls never throw (they sit on the hot path); the first write error is kept and reported by
// the next `flush()` or `close()`.

#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif

/// A trace file that could not be created or written.
///
/// `description` is one line saying what failed and what to do about it.
public struct TraceWriterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the writer was doing when the error happened.
    public struct Operation: Sendable, Hashable, CustomStringConvertible {
        enum Kind: Sendable, Hashable {
            case create
            case write
            case close
        }

        let kind: Kind

        /// Creating (opening for writing, truncating) the trace file.
        public static let create = Operation(kind: .create)
        /// Writing buffered events to the trace file.
        public static let write = Operation(kind: .write)
        /// Closing the trace file.
        public static let close = Operation(kind: .close)

        /// The operation as a verb: `create`, `write` or `close`.
        public var description: String {
            switch kind {
            case .create: "create"
            case .write: "write"
            case .close: "close"
            }
        }
    }

    /// What the writer was doing.
    public let operation: Operation
    /// The trace file's path.
    public let path: String
    /// The `errno` the system call returned.
    public let errnoCode: Int32

    /// Creates an error for `operation` on `path` that failed with `errnoCode`.
    public init(operation: Operation, path: String, errnoCode: Int32) {
        self.operation = operation
        self.path = path
        self.errnoCode = errnoCode
    }

    /// One line: what failed, why, and what to check.
    public var description: String {
        let reason = String(cString: strerror(errnoCode))
        return "cannot \(operation) trace file '\(path)': \(reason) (errno \(errnoCode)); "
            + "check that the directory exists, is writable and has free space"
    }
}
