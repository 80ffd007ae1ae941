// The error of something that failed while a run was going (a file that cannot be written, a
// supervisor that is not reachable): an internal error of the run (exit 1), as opposed to a
// ConfigurationError, which is the user's input found wrong before anything starts (exit 2).

/// A failure during a run, in one line.
struct RunError: Error, Sendable, CustomStringConvertible {
    /// The one-line message.
    let description: String

    /// Creates an error from a one-line message.
    init(_ description: String) {
        self.description = description
    }
}
