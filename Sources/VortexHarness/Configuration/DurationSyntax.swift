// The duration syntax of the original vortex (`--test-duration=1m30s`): one or more concatenated
// `<digits><unit>` components with units d h m s ms us ns, summed; the total must be positive
// (or zero where a value allows it, such as `vortex proxy --delay 0s`) and shorter than 1000 days.
// The one syntax of every duration a user types: flags of every subcommand and target files.

/// Parses and formats durations written as concatenated `<digits><unit>` components.
public enum DurationSyntax {
    /// The exclusive upper bound of any duration: 1000 days, as in the original.
    public static let maximumDays: Int64 = 1_000

    private static let unitNanoseconds: [(unit: String, nanoseconds: Int64)] = [
        // Longest unit names first so "ms" is not read as "m" followed by "s".
        ("ms", 1_000_000), ("us", 1_000), ("ns", 1),
        ("d", 86_400 * 1_000_000_000), ("h", 3_600 * 1_000_000_000), ("m", 60 * 1_000_000_000),
        ("s", 1_000_000_000),
    ]

    /// Parses `text` (e.g. `1m30s`, `500ms`, `2h`).
    ///
    /// - Parameters:
    ///   - text: the duration as typed.
    ///   - name: how the value is called in the error message (e.g. `--test-duration`).
    ///   - allowsZero: whether a zero total (`0s`) is accepted.
    /// - Returns: the summed duration, positive (or zero when allowed) and below 1000 days.
    /// - Throws: ``ConfigurationError`` with a one-line explanation for any other input.
    public static func parse(
        _ text: String,
        name: String,
        allowsZero: Bool = false
    ) throws(ConfigurationError) -> Duration {
        let example = "write it like 90s, 1m30s, 500ms or 2h"
        guard !text.isEmpty else {
            throw ConfigurationError("\(name) is empty; \(example)")
        }
        var totalNanoseconds: Int64 = 0
        var rest = Substring(text)
        let limitNanoseconds = maximumDays * 86_400 * 1_000_000_000
        // Each iteration consumes at least one character, so the loop ends within text.count.
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty else {
                throw ConfigurationError(
                    "\(name) '\(text)' has no number before '\(rest)'; \(example)"
                )
            }
            rest = rest.dropFirst(digits.count)
            guard let match = unitNanoseconds.first(where: { rest.hasPrefix($0.unit) }) else {
                let found = rest.isEmpty ? "nothing" : "'\(rest.prefix(while: { !$0.isNumber }))'"
                throw ConfigurationError(
                    "\(name) '\(text)' needs a unit (d h m s ms us ns) after \(digits), "
                        + "found \(found); \(example)"
                )
            }
            rest = rest.dropFirst(match.unit.count)
            guard let value = Int64(digits) else {
                throw ConfigurationError("\(name) '\(text)' is too long; it must be under 1000d")
            }
            let (component, overflowMultiply) = value.multipliedReportingOverflow(
                by: match.nanoseconds
            )
            let (sum, overflowAdd) = totalNanoseconds.addingReportingOverflow(component)
            guard !overflowMultiply, !overflowAdd, sum < limitNanoseconds else {
                throw ConfigurationError("\(name) '\(text)' is too long; it must be under 1000d")
            }
            totalNanoseconds = sum
        }
        guard totalNanoseconds > 0 || allowsZero else {
            throw ConfigurationError("\(name) '\(text)' is zero; it must be positive, e.g. 1m")
        }
        return .nanoseconds(totalNanoseconds)
    }

    /// Formats a duration rounded to whole milliseconds (`10s223ms`), for logs.
    public static func formatMilliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = max(0, seconds * 1_000 + attoseconds / 1_000_000_000_000_000)
        return format(.milliseconds(milliseconds))
    }

    /// Formats a duration in the same syntax, largest units first (`1m30s`, `250ms`, `0s`).
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        precondition(seconds >= 0, "negative durations have no syntax")
        precondition(attoseconds >= 0, "negative durations have no syntax")
        var remainingNanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        if remainingNanoseconds == 0 { return "0s" }
        var text = ""
        let order: [(String, Int64)] = [
            ("d", 86_400 * 1_000_000_000), ("h", 3_600 * 1_000_000_000),
            ("m", 60 * 1_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000),
            ("ns", 1),
        ]
        for (unit, nanoseconds) in order where remainingNanoseconds >= nanoseconds {
            text += "\(remainingNanoseconds / nanoseconds)\(unit)"
            remainingNanoseconds %= nanoseconds
        }
        return text
    }
}
