// The one error of reading a history: which file, which line, what is wrong, in one line that a
// command can print as it is.

/// A history that cannot be read: a missing file, a malformed line, an unpaired completion, or
/// no operation at all.
public struct HistoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (or whatever name the caller gave the text).
    public var source: String
    /// The 1-based line at fault; nil when the fault is the whole file.
    public var line: Int?
    /// What is wrong, without the location.
    public var reason: String

    /// An error about `source`, at `line` when there is one.
    public init(source: String, line: Int?, reason: String) {
        self.source = source
        self.line = line
        self.reason = reason
    }

    /// `FILE:LINE: reason`, or `FILE: reason`.
    public var description: String {
        if let line { return "\(source):\(line): \(reason)" }
        return "\(source): \(reason)"
    }
}
