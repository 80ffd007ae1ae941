// The one error type for everything a user can get wrong before a run starts: flags, target
// files, missing executables, output locations. Each value carries a single line that says what
// is wrong and how to fix it; the CLI prints it and exits with code 2 before anything starts.

/// A wrong input found while building a run configuration: one line, what and how to fix.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The complete one-line message (no trailing newline).
    public let message: String

    /// Creates an error from a one-line message.
    ///
    /// - Parameter message: what is wrong and how to fix it; newlines are replaced by spaces.
    public init(_ message: String) {
        precondition(!message.isEmpty, "a configuration error needs a message")
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// The one-line message.
    public var description: String { message }
}
