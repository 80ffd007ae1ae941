// The value of one event argument. Callers describe arguments as an ordered list of key/value
// pairs (`["replica": 2, "reason": "liveness"]`) and never write JSON themselves: the writer
// turns each value into exact JSON text.

/// The value of one argument of a trace event: a string, an integer, a double or a boolean.
///
/// Literals convert implicitly, so an argument list reads as a dictionary literal:
/// `args: ["replica": 2, "reason": "killed", "delayMs": 12.5, "healed": false]`.
public enum TraceValue: Sendable, Hashable {
    /// A string, escaped exactly; the output is pure ASCII (non-ASCII becomes `\uXXXX`).
    case string(String)
    /// An integer, written in decimal.
    case int(Int)
    /// A double, written as the shortest text that reads back the same; NaN and infinities,
    /// which JSON cannot represent, are written as `null`.
    case double(Double)
    /// A boolean, written as `true` or `false`.
    case bool(Bool)
}

extension TraceValue: ExpressibleByStringLiteral {
    /// Creates a string value from a literal.
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension TraceValue: ExpressibleByStringInterpolation {}

extension TraceValue: ExpressibleByIntegerLiteral {
    /// Creates an integer value from a literal.
    public init(integerLiteral value: Int) {
        self = .int(value)
    }
}

extension TraceValue: ExpressibleByFloatLiteral {
    /// Creates a double value from a literal.
    public init(floatLiteral value: Double) {
        self = .double(value)
    }
}

extension TraceValue: ExpressibleByBooleanLiteral {
    /// Creates a boolean value from a literal.
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

/// The ordered arguments of one trace event, written to the event's `args` object in order.
///
/// A dictionary literal builds one: `["replica": 2, "healed": false]`. Keys should be unique
/// and must not be `timestamp` or `end_timestamp`, which the writer adds itself.
public typealias TraceArguments = KeyValuePairs<String, TraceValue>
