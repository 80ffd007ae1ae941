// Errors a supervisor reports: a bad specification (caught before anything starts), a child that
// failed before it was ready (never restarted, stops the supervisor, named by its full path), a
// restart intensity exceeded, and misuse of the run-time control calls. Each has one line that
// says what is wrong and how to fix it.

/// Why a supervisor failed, or why a control call was refused.
public struct SupervisorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case noChildren, invalidSpecification, initializationFailed, intensityExceeded
            case childNotFound, childRunning, childNotRunning, notRunning, notDynamic
            case tooManyChildren
        }

        private let value: Value

        /// A static supervisor was given no children.
        public static let noChildren = Code(value: .noChildren)
        /// A spec is inconsistent (duplicate ids, a significant permanent child …).
        public static let invalidSpecification = Code(value: .invalidSpecification)
        /// A child failed before it reported readiness. Never restarted.
        public static let initializationFailed = Code(value: .initializationFailed)
        /// More than `intensity` restarts happened within `period`.
        public static let intensityExceeded = Code(value: .intensityExceeded)
        /// No child has that id.
        public static let childNotFound = Code(value: .childNotFound)
        /// The call needs a stopped child, and this one is running.
        public static let childRunning = Code(value: .childRunning)
        /// The call needs a running child, and this one is not.
        public static let childNotRunning = Code(value: .childNotRunning)
        /// The supervisor is not running (not started yet, shutting down or stopped).
        public static let notRunning = Code(value: .notRunning)
        /// The call needs a supervisor with a `.dynamic` strategy.
        public static let notDynamic = Code(value: .notDynamic)
        /// Starting one more child would exceed `maximumChildren`.
        public static let tooManyChildren = Code(value: .tooManyChildren)

        /// The code's name, e.g. `initializationFailed`.
        public var description: String { value.rawValue }
    }

    /// What kind of failure.
    public let code: Code
    /// The child (or supervisor) at fault, e.g. `root/cluster/replica-1`.
    public let path: ChildPath
    /// For `initializationFailed`: how the child ended.
    public let reason: ExitReason?
    /// One line saying what is wrong and how to fix it.
    public let message: String

    /// An error with all its parts.
    public init(code: Code, path: ChildPath, reason: ExitReason? = nil, message: String) {
        self.code = code
        self.path = path
        self.reason = reason
        self.message = message
    }

    /// `root/cluster/replica-1: initializationFailed: …`.
    public var description: String { "\(path): \(code): \(message)" }
}

extension SupervisorError {
    static func initializationFailed(_ path: ChildPath, _ reason: ExitReason) -> SupervisorError {
        SupervisorError(
            code: .initializationFailed,
            path: path,
            reason: reason,
            message: "child failed before it was ready (\(reason)); it is not restarted: fix "
                + "its start or its readiness check"
        )
    }

    static func notRunning(_ path: ChildPath) -> SupervisorError {
        SupervisorError(
            code: .notRunning,
            path: path,
            message: "the supervisor is not running; call run() first, and control it only "
                + "until it has shut down"
        )
    }

    static func childNotFound(_ path: ChildPath, _ id: String) -> SupervisorError {
        SupervisorError(
            code: .childNotFound,
            path: path.appending(id),
            message: "no child with id '\(id)'; see whichChildren() for the ids"
        )
    }

    static func invalid(_ path: ChildPath, _ message: String) -> SupervisorError {
        SupervisorError(code: .invalidSpecification, path: path, message: message)
    }
}
