// The fault vocabulary of a FaultProxy: what happens to the bytes of each direction (delay,
// corruption, bandwidth, clog), to the proxy as a whole (down), and to the connections of chosen
// sources (isolated sources, and faults of their own per direction). Values only: a proxy applies a new `ProxyFaults` to its live
// connections without dropping them (see `FaultProxy.setFaults`).
// Exact semantics of every fault: docs/fault-proxy.md.

/// The faults of one direction of a proxy: toward the upstream, or back to the client.
///
/// Faults act on *received chunks*: whatever one read from the socket returned (1 byte up to
/// 256 KiB), as in the original vortex proxy and in Toxiproxy. A stream is never truncated:
/// every byte that is read is eventually written, in order, unless the connection closes.
public struct DirectionFaults: Sendable, Hashable, CustomStringConvertible {
    /// Each chunk is held for `delay ± U[0, jitter]` after it was read, without reordering:
    /// a chunk never overtakes the one before it.
    public var delay: Duration
    /// The spread around `delay`; a chunk waits between `delay - jitter` and `delay + jitter`
    /// (never less than zero).
    public var jitter: Duration
    /// Probability in 0...1 that a chunk is corrupted: all its bytes shuffled, or all zeroed
    /// (50/50), as the original vortex proxy does. Its length never changes.
    public var corruptProbability: Double
    /// Token-bucket rate limit in bytes per second, per connection; `nil` means unlimited.
    public var bandwidthBytesPerSecond: Int?
    /// While `true`, nothing is forwarded; chunks are held (up to a bound, then the sender is
    /// back-pressured through TCP) and all are delivered in order once the clog is lifted.
    public var clogged: Bool

    /// Creates the faults of one direction; the default is a transparent direction.
    public init(
        delay: Duration = .zero,
        jitter: Duration = .zero,
        corruptProbability: Double = 0,
        bandwidthBytesPerSecond: Int? = nil,
        clogged: Bool = false
    ) {
        precondition(delay >= .zero, "delay must not be negative")
        precondition(jitter >= .zero, "jitter must not be negative")
        precondition((0...1).contains(corruptProbability), "corruptProbability must be in 0...1")
        precondition((bandwidthBytesPerSecond ?? 1) > 0, "bandwidth must be positive")
        self.delay = delay
        self.jitter = jitter
        self.corruptProbability = corruptProbability
        self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
        self.clogged = clogged
    }

    /// `true` when every field is in range (the initializer checks this; fields set one by one
    /// are checked when the faults are applied).
    public var isValid: Bool {
        delay >= .zero && jitter >= .zero && (0...1).contains(corruptProbability)
            && (bandwidthBytesPerSecond ?? 1) > 0
    }

    /// A direction that forwards every byte unchanged and at once.
    public static let none = DirectionFaults()

    /// `true` when this direction forwards every chunk unchanged and immediately.
    public var isTransparent: Bool {
        delay == .zero && jitter == .zero && corruptProbability == 0
            && bandwidthBytesPerSecond == nil && !clogged
    }

    /// A short human-readable summary, e.g. `delay=50ms±10ms corrupt=2%`.
    public var description: String {
        var parts: [String] = []
        if delay != .zero || jitter != .zero {
            parts.append("delay=\(FaultValue.format(delay))±\(FaultValue.format(jitter))")
        }
        if corruptProbability > 0 {
            parts.append("corrupt=\(corruptProbability * 100)%")
        }
        if let bandwidthBytesPerSecond {
            parts.append("bandwidth=\(bandwidthBytesPerSecond)B/s")
        }
        if clogged {
            parts.append("clogged")
        }
        return parts.isEmpty ? "none" : parts.joined(separator: " ")
    }
}

/// What a proxy does with connections while its upstream is to look unreachable.
public enum DownMode: String, Sendable, Hashable, CaseIterable {
    /// Accept each new connection and close it at once: what a peer sees when the process behind
    /// a port is gone but something still accepts (the original vortex proxy's behaviour when
    /// its replica was terminated). Established connections are closed too.
    case closeOnAccept = "close"
    /// Stop listening, so connection attempts are refused (ECONNREFUSED), as for a host whose
    /// process is gone. Established connections are closed too. Healing listens again on the
    /// same port.
    case refuse
}

/// The faults of both directions of the connections of one source.
public struct SourceFaults: Sendable, Hashable, CustomStringConvertible {
    /// Faults on the bytes the source sends toward the upstream.
    public var toUpstream: DirectionFaults
    /// Faults on the bytes the upstream sends back to the source.
    public var toClient: DirectionFaults

    /// Creates the faults of a source's connections.
    public init(toUpstream: DirectionFaults = .none, toClient: DirectionFaults = .none) {
        self.toUpstream = toUpstream
        self.toClient = toClient
    }

    /// `toUpstream: … toClient: …`.
    public var description: String { "toUpstream: \(toUpstream) toClient: \(toClient)" }
}

/// All faults of one proxy: one set per direction, the proxy-wide `down` state, the sources
/// whose connections are cut, and the sources whose connections have faults of their own.
public struct ProxyFaults: Sendable, Hashable, CustomStringConvertible {
    /// Faults on the bytes the client sends toward the upstream.
    public var toUpstream: DirectionFaults
    /// Faults on the bytes the upstream sends back to the client.
    public var toClient: DirectionFaults
    /// When set, the proxy behaves as if its upstream were gone (see `DownMode`).
    public var down: DownMode?
    /// Sources (as told by the proxy's `ConnectionClassifier`) whose connections are cut:
    /// established ones are closed when these faults are set, and new ones are accepted and
    /// closed at once, as `down: .closeOnAccept` does for every source. Connections of no known
    /// source, and every connection of a proxy started without a classifier, are not affected.
    public var isolatedSources: Set<Int>
    /// Sources whose connections take these faults instead of `toUpstream` and `toClient`
    /// (a one-way cut is a clogged direction here; a delay on one link a delayed one).
    public var sourceFaults: [Int: SourceFaults]

    /// Creates a fault set; the default forwards everything unchanged.
    public init(
        toUpstream: DirectionFaults = .none,
        toClient: DirectionFaults = .none,
        down: DownMode? = nil,
        isolatedSources: Set<Int> = [],
        sourceFaults: [Int: SourceFaults] = [:]
    ) {
        self.toUpstream = toUpstream
        self.toClient = toClient
        self.down = down
        self.isolatedSources = isolatedSources
        self.sourceFaults = sourceFaults
    }

    /// The faults of both directions of a connection from `source`.
    public func directions(for source: Int?) -> SourceFaults {
        source.flatMap { sourceFaults[$0] }
            ?? SourceFaults(toUpstream: toUpstream, toClient: toClient)
    }

    /// Whether every direction of every source is in range.
    public var isValid: Bool {
        toUpstream.isValid && toClient.isValid
            && sourceFaults.values.allSatisfy { $0.toUpstream.isValid && $0.toClient.isValid }
    }

    /// Whether a connection from `source` must be closed under these faults.
    public func cuts(source: Int?) -> Bool {
        down != nil || source.map(isolatedSources.contains) == true
    }

    /// The same faults in both directions.
    public static func both(_ faults: DirectionFaults) -> ProxyFaults {
        ProxyFaults(toUpstream: faults, toClient: faults)
    }

    /// No faults: a transparent proxy.
    public static let none = ProxyFaults()

    /// Both directions clogged: the replica behind the proxy is isolated, connections stay open.
    public static let clogged = ProxyFaults.both(DirectionFaults(clogged: true))

    /// The faults of one direction.
    public subscript(direction: ProxyDirection) -> DirectionFaults {
        get { direction == .toUpstream ? toUpstream : toClient }
        set {
            if direction == .toUpstream {
                toUpstream = newValue
            } else {
                toClient = newValue
            }
        }
    }

    /// A short human-readable summary of every active fault.
    public var description: String {
        var parts = ["toUpstream: \(toUpstream)", "toClient: \(toClient)"]
        if let down {
            parts.append("down: \(down.rawValue)")
        }
        if !isolatedSources.isEmpty {
            let sources = isolatedSources.sorted().map(String.init).joined(separator: ",")
            parts.append("isolated sources: \(sources)")
        }
        for source in sourceFaults.keys.sorted() {
            if let faults = sourceFaults[source] {
                parts.append("source \(source): \(faults)")
            }
        }
        return parts.joined(separator: ", ")
    }
}

/// One of the two directions of a proxied connection.
public enum ProxyDirection: String, Sendable, Hashable, CaseIterable {
    /// Bytes the client sends, forwarded to the upstream.
    case toUpstream
    /// Bytes the upstream sends, forwarded back to the client.
    case toClient
}
