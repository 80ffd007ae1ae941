// One line of a history: an invocation or a completion by one client process on one key, as
// recorded, before invocations and completions are paired into operations (History.swift).
// Both parsers produce these, and the harness writes them (HistoryEvent+JSONLine.swift).

/// What a line of a history records: a call, or how it ended.
public enum EventType: String, Sendable, CaseIterable {
    /// The client sent the request.
    case invoke
    /// The request succeeded; a read's `ok` carries the value read.
    case ok
    /// The request definitely had no effect.
    case fail
    /// The outcome is unknown (a timeout, a lost connection): it may take effect at any point
    /// after its invocation, or never.
    case info
}

/// The register operation a line is about.
public enum RegisterFunction: String, Sendable, CaseIterable {
    /// Returns the register's value, or `null` when the key was never written.
    case read
    /// Sets the register.
    case write
    /// Compare-and-set: sets the register to `to` only when it holds `from` (never on an
    /// absent key).
    case cas
}

/// The `value` field of a line.
public enum EventValue: Sendable, Hashable {
    /// `null`: a read that found the key absent (or a read's invocation).
    case absent
    /// An integer: the value written, or the value a read returned.
    case integer(Int)
    /// `[from, to]`: a compare-and-set's arguments.
    case pair(from: Int, to: Int)
}

/// One invocation or completion, with where it came from (for error messages).
public struct HistoryEvent: Sendable, Hashable {
    /// The client process; it has at most one operation open at a time.
    public var process: Int
    /// Invocation or which completion.
    public var type: EventType
    /// The register operation.
    public var function: RegisterFunction
    /// The register (non-negative); keys are independent registers.
    public var key: Int
    /// The `value` field; nil when the line has none.
    public var value: EventValue?
    /// When it happened, in microseconds on one clock for the whole history (Jepsen logs have no
    /// times: their line number stands in).
    public var timeUs: Int64
    /// Free text about a failure or an unknown outcome.
    public var error: String?
    /// The 1-based line of the file it was read from (0 when it was not read from a file).
    public var line: Int

    /// An event; `line` is only for messages.
    public init(
        process: Int,
        type: EventType,
        function: RegisterFunction,
        key: Int,
        value: EventValue?,
        timeUs: Int64,
        error: String? = nil,
        line: Int = 0
    ) {
        self.process = process
        self.type = type
        self.function = function
        self.key = key
        self.value = value
        self.timeUs = timeUs
        self.error = error
        self.line = line
    }
}
