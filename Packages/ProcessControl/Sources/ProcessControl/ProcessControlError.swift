// The one error type of ProcessControl: a code callers can switch on, a message fit to show a
// user as it is, and the errno behind it when there is one (as swift-system's Errno and as a
// plain number, so callers need not import SystemPackage to compare it).

public import SystemPackage

/// An operating error of ProcessControl (programming errors trap instead).
public struct ProcessControlError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case executableNotFound, notExecutable, spawnFailed, noSuchProcess, brokenPipe
            case unexpectedEndOfFile, namespaceSetupFailed, ioFailed, cancelled, invalidArgument
            case notGroupLeader
        }
        private let value: Value
        private init(_ value: Value) {
            self.value = value
        }

        /// The executable does not exist (or is not in PATH).
        public static let executableNotFound = Code(.executableNotFound)
        /// The file exists but cannot be executed.
        public static let notExecutable = Code(.notExecutable)
        /// The child could not be started for another reason.
        public static let spawnFailed = Code(.spawnFailed)
        /// The process is gone (ESRCH).
        public static let noSuchProcess = Code(.noSuchProcess)
        /// The reading end of a pipe was closed.
        public static let brokenPipe = Code(.brokenPipe)
        /// A pipe ended before the expected number of bytes arrived.
        public static let unexpectedEndOfFile = Code(.unexpectedEndOfFile)
        /// A namespace, id map, /proc mount or loopback step failed.
        public static let namespaceSetupFailed = Code(.namespaceSetupFailed)
        /// A read, write or other system call failed.
        public static let ioFailed = Code(.ioFailed)
        /// The waiting task was cancelled.
        public static let cancelled = Code(.cancelled)
        /// An argument was not acceptable (for example a NUL byte in an argument).
        public static let invalidArgument = Code(.invalidArgument)

        /// A group operation on a child that leads no process group (started with
        /// `ProcessGroup.inherit`).
        public static let notGroupLeader = Code(.notGroupLeader)

        /// The code's name.
        public var description: String {
            "\(value)"
        }
    }

    /// What kind of failure this is.
    public let code: Code
    /// One line for a human, e.g. "executable not found: /no/such/file".
    public let message: String
    /// The errno behind the failure, when there is one. `Errno` is swift-system's type: to
    /// compare it with `Errno.noSuchProcess` and the like, `import SystemPackage` (and list the
    /// `SystemPackage` product of swift-system among your target's dependencies), or compare
    /// `underlyingErrorNumber` with the C constants instead.
    public let underlyingError: Errno?

    /// The errno value behind the failure (as `ESRCH`, `EPERM` … from Glibc), when there is one.
    public var underlyingErrorNumber: Int32? {
        underlyingError?.rawValue
    }

    /// Makes an error.
    public init(code: Code, message: String, underlyingError: Errno? = nil) {
        self.code = code
        self.message = message
        self.underlyingError = underlyingError
    }

    /// The message, followed by the errno's text when there is one.
    public var description: String {
        if let underlyingError {
            return "\(message): \(underlyingError)"
        }
        return message
    }
}
