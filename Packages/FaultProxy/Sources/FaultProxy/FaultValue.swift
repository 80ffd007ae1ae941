// Parsing of the values a user types for faults and addresses (`2%`, `1MB/s`, `127.0.0.1:9000`),
// so that every program built on the proxy accepts the same syntax and rejects bad input with the
// same one-line message.

/// A value the user typed that cannot be used; `message` says what is wrong and what is accepted.
public struct FaultValueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line: what is wrong and how to write it instead.
    public let message: String

    /// Creates an error with a one-line message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message itself.
    public var description: String { message }
}

/// A host and port as typed by a user, e.g. `127.0.0.1:9000` or `[::1]:9000`.
public struct HostAndPort: Sendable, Hashable, CustomStringConvertible {
    /// A numeric IPv4 or IPv6 address, or a host name.
    public let host: String
    /// The TCP port, 0 meaning "any free port" (only meaningful for listening).
    public let port: Int

    /// Creates a host and port.
    public init(host: String, port: Int) {
        precondition((0...65_535).contains(port), "port out of range")
        self.host = host
        self.port = port
    }

    /// `host:port`, with brackets around an IPv6 address.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// Parsers for fault values and addresses; every failure is a `FaultValueError`. (Durations use
/// the one duration syntax of the program that reads them; the proxy takes `Duration` values.)
public enum FaultValue {
    /// Parses a percentage `0...100`, with or without `%` (`2%`, `2.5`), as a probability 0...1.
    public static func parsePercentage(_ text: String) throws(FaultValueError) -> Double {
        var trimmed = text.trimmingWhitespace()
        if trimmed.hasSuffix("%") {
            trimmed.removeLast()
        }
        guard let value = Double(trimmed), value.isFinite else {
            throw FaultValueError("'\(text)' is not a percentage; write e.g. 2% or 0.5%")
        }
        guard (0...100).contains(value) else {
            throw FaultValueError("percentage '\(text)' is outside 0...100; write e.g. 2%")
        }
        return value / 100
    }

    /// Parses a positive rate: `B/s`, `KB/s` (1000), `KiB/s` (1024), `MB/s`, `MiB/s`, `GB/s`,
    /// `GiB/s`, or bits: `bit/s`, `kbit/s`, `Mbit/s`, `Gbit/s`. Returns bytes per second.
    public static func parseRate(_ text: String) throws(FaultValueError) -> Int {
        let units: [(suffix: String, bytesPerSecond: Double)] = [
            ("GiB/s", 1_073_741_824), ("MiB/s", 1_048_576), ("KiB/s", 1024),
            ("Gbit/s", 125e6), ("Mbit/s", 125e3), ("kbit/s", 125), ("bit/s", 0.125),
            ("GB/s", 1e9), ("MB/s", 1e6), ("KB/s", 1e3), ("kB/s", 1e3), ("B/s", 1),
        ]
        let trimmed = text.trimmingWhitespace()
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = String(trimmed.dropLast(unit.suffix.count))
            guard let value = Double(number), value.isFinite else {
                throw FaultValueError("'\(text)' is not a rate; write e.g. 1MB/s or 512KiB/s")
            }
            let bytesPerSecond = (value * unit.bytesPerSecond).rounded()
            guard bytesPerSecond >= 1, bytesPerSecond < 1e15 else {
                throw FaultValueError(
                    "rate '\(text)' is out of range; use at least 1B/s, e.g. 1MB/s"
                )
            }
            return Int(bytesPerSecond)
        }
        throw FaultValueError(
            "'\(text)' has no known rate unit; use B/s, KB/s, KiB/s, MB/s, MiB/s, GB/s, GiB/s, "
                + "kbit/s, Mbit/s or Gbit/s"
        )
    }

    /// Parses `host:port` or `[ipv6]:port`; the port must be 0...65535 (0 only where
    /// `allowAnyPort`).
    public static func parseHostAndPort(
        _ text: String,
        allowAnyPort: Bool
    ) throws(FaultValueError) -> HostAndPort {
        let trimmed = text.trimmingWhitespace()
        let host: Substring
        let portText: Substring
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]"),
                trimmed[trimmed.index(after: close)...].hasPrefix(":")
            else {
                throw FaultValueError("'\(text)' is not an address; write [::1]:9000")
            }
            host = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            portText = trimmed[trimmed.index(close, offsetBy: 2)...]
        } else {
            guard let colon = trimmed.lastIndex(of: ":"),
                !trimmed[..<colon].contains(":")
            else {
                throw FaultValueError("'\(text)' is not host:port; write e.g. 127.0.0.1:9000")
            }
            host = trimmed[..<colon]
            portText = trimmed[trimmed.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else {
            throw FaultValueError("'\(text)' has no valid host; write e.g. 127.0.0.1:9000")
        }
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw FaultValueError("'\(text)' has no valid port; use 1...65535, e.g. 127.0.0.1:9000")
        }
        guard allowAnyPort || port != 0 else {
            throw FaultValueError("'\(text)' has port 0; give the real port, e.g. 127.0.0.1:2379")
        }
        return HostAndPort(host: String(host), port: port)
    }

    /// Formats a duration compactly for logs: `50ms`, `1.5s`, `200us`.
    public static func format(_ duration: Duration) -> String {
        let nanoseconds =
            Double(duration.components.seconds) * 1e9
            + Double(duration.components.attoseconds) / 1e9
        if nanoseconds == 0 {
            return "0"
        }
        if nanoseconds >= 1e9 {
            return "\(trimmed(nanoseconds / 1e9))s"
        }
        if nanoseconds >= 1e6 {
            return "\(trimmed(nanoseconds / 1e6))ms"
        }
        return "\(trimmed(nanoseconds / 1e3))us"
    }

    private static func trimmed(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace {
            slice.removeFirst()
        }
        while let last = slice.last, last.isWhitespace {
            slice.removeLast()
        }
        return String(slice)
    }
}
