// The vocabulary shared by the shaper and the read-back: qdisc/class handles, the packet matches
// a u32 filter can select on, and TBF's token bucket.

/// A traffic-control handle "major:minor" (qdiscs have minor 0, classes a non-zero minor).
public struct TCHandle: Sendable, Hashable, CustomStringConvertible {
    /// The 32-bit value the kernel uses.
    public let rawValue: UInt32

    /// A handle from its kernel value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `major:minor`, both as tc writes them in hexadecimal.
    public init(major: UInt16, minor: UInt16) {
        rawValue = UInt32(major) << 16 | UInt32(minor)
    }

    /// The part before the colon.
    public var major: UInt16 { UInt16(truncatingIfNeeded: rawValue >> 16) }
    /// The part after the colon.
    public var minor: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    /// The parent value meaning "root of the link" (TC_H_ROOT).
    public static let root = TCHandle(rawValue: 0xFFFF_FFFF)

    /// As tc prints it: "10:", "10:3" or "root".
    public var description: String {
        if self == .root { return "root" }
        let majorText = String(major, radix: 16)
        return minor == 0 ? "\(majorText):" : "\(majorText):\(String(minor, radix: 16))"
    }
}

/// An IPv4 address (filters match IPv4 only).
public struct IPv4Address: Sendable, Hashable, CustomStringConvertible {
    /// The address in host byte order (127.0.0.1 = 0x7F00_0001).
    public let value: UInt32

    /// An address from its value in host byte order.
    public init(value: UInt32) { self.value = value }

    /// Parses dotted-quad text; nil when it is not an IPv4 address.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let octet = UInt8(part) else { return nil }
            value = value << 8 | UInt32(octet)
        }
        self.value = value
    }

    /// Dotted-quad text.
    public var description: String {
        (0..<4).map { String((value >> (24 - 8 * UInt32($0))) & 0xFF) }.joined(separator: ".")
    }
}

/// One condition of a u32 filter on IPv4 packets (TCP and UDP alike for ports). Ports are read
/// at the offsets tc's `match ip dport/sport` uses (an IPv4 header without options).
public enum PacketMatch: Sendable, Hashable, CustomStringConvertible {
    /// Packets sent to this port.
    case destinationPort(UInt16)
    /// Packets sent from this port.
    case sourcePort(UInt16)
    /// Packets sent to this network.
    case destinationAddress(IPv4Address, prefixLength: Int = 32)
    /// Packets sent from this network.
    case sourceAddress(IPv4Address, prefixLength: Int = 32)

    /// As tc would write it, e.g. "ip dport 2380".
    public var description: String {
        switch self {
        case .destinationPort(let port): return "ip dport \(port)"
        case .sourcePort(let port): return "ip sport \(port)"
        case .destinationAddress(let address, let length): return "ip dst \(address)/\(length)"
        case .sourceAddress(let address, let length): return "ip src \(address)/\(length)"
        }
    }
}

/// A token-bucket rate limit (the `tbf` qdisc).
public struct TokenBucket: Sendable, Hashable {
    /// Sustained rate in bytes per second (at most Int32.max).
    public var rateBytesPerSecond: UInt32
    /// Bucket size in bytes: how much may pass at once above the rate.
    public var burstBytes: UInt32
    /// Longest a packet may wait in the queue before it is dropped, in milliseconds.
    public var latencyMs: Double

    /// A bucket of `burstBytes` refilled at `rateBytesPerSecond`.
    public init(rateBytesPerSecond: UInt32, burstBytes: UInt32, latencyMs: Double = 50) {
        self.rateBytesPerSecond = rateBytesPerSecond
        self.burstBytes = burstBytes
        self.latencyMs = latencyMs
    }

    func validate() throws(NetemError) {
        guard rateBytesPerSecond > 0, rateBytesPerSecond <= UInt32(Int32.max) else {
            throw .invalidParameters("tbf rate must be 1...\(Int32.max) bytes per second")
        }
        guard burstBytes > 0, burstBytes <= UInt32(Int32.max) else {
            throw .invalidParameters("tbf burst must be 1...\(Int32.max) bytes")
        }
        guard latencyMs.isFinite, latencyMs > 0, latencyMs <= 60_000 else {
            throw .invalidParameters("tbf latency must be between 0 and 60000 ms")
        }
    }
}
