// Counters of one proxy: connections and bytes each way, plus how many chunks each fault touched.
// Updated from every event loop with relaxed atomics (one add per chunk, not per byte); read as a
// consistent-enough snapshot by `FaultProxy.counters`.

import Synchronization

/// A snapshot of a proxy's counters since it started.
public struct ProxyCounters: Sendable, Hashable, CustomStringConvertible {
    /// Connections accepted (including those closed at once while `down`).
    public var connectionsAccepted: Int
    /// Connections currently open (client side accepted and not yet fully closed).
    public var connectionsOpen: Int
    /// Connections closed right after accept because the proxy was down or the upstream refused.
    public var connectionsRejected: Int
    /// Connections closed with an RST by `resetConnections()`.
    public var connectionsReset: Int
    /// Connections closed because their source is in `ProxyFaults.isolatedSources`: established
    /// ones when the faults were set, and new ones right after accept (those also count as
    /// rejected).
    public var connectionsIsolated: Int
    /// Bytes written toward the upstream.
    public var bytesToUpstream: Int
    /// Bytes written back to the clients.
    public var bytesToClient: Int
    /// Chunks that waited for a delay (any direction).
    public var chunksDelayed: Int
    /// Chunks whose bytes were shuffled or zeroed (any direction).
    public var chunksCorrupted: Int
    /// Chunks that arrived while their direction was clogged (delivered after heal).
    public var chunksHeld: Int
    /// Chunks that waited for bandwidth tokens.
    public var chunksThrottled: Int

    /// `name=value` pairs on one line, for logs.
    public var description: String {
        "connections=\(connectionsAccepted) open=\(connectionsOpen) rejected=\(connectionsRejected)"
            + " reset=\(connectionsReset) isolated=\(connectionsIsolated) bytesToUpstream=\(bytesToUpstream)"
            + " bytesToClient=\(bytesToClient) delayed=\(chunksDelayed)"
            + " corrupted=\(chunksCorrupted) held=\(chunksHeld) throttled=\(chunksThrottled)"
    }
}

/// The live atomic cells behind `ProxyCounters`, shared by all connections of one proxy.
final class ProxyCounterCells: Sendable {
    let connectionsAccepted = Atomic<Int>(0)
    let connectionsOpen = Atomic<Int>(0)
    let connectionsRejected = Atomic<Int>(0)
    let connectionsReset = Atomic<Int>(0)
    let connectionsIsolated = Atomic<Int>(0)
    let bytesToUpstream = Atomic<Int>(0)
    let bytesToClient = Atomic<Int>(0)
    let chunksDelayed = Atomic<Int>(0)
    let chunksCorrupted = Atomic<Int>(0)
    let chunksHeld = Atomic<Int>(0)
    let chunksThrottled = Atomic<Int>(0)

    /// The counters that are bumped one event at a time.
    enum Event {
        case connectionsAccepted
        case connectionsOpen
        case connectionsRejected
        case connectionsReset
        case connectionsIsolated
        case chunksDelayed
        case chunksCorrupted
        case chunksHeld
        case chunksThrottled
    }

    func add(_ event: Event, _ amount: Int = 1) {
        switch event {
        case .connectionsAccepted: connectionsAccepted.wrappingAdd(amount, ordering: .relaxed)
        case .connectionsOpen: connectionsOpen.wrappingAdd(amount, ordering: .relaxed)
        case .connectionsRejected: connectionsRejected.wrappingAdd(amount, ordering: .relaxed)
        case .connectionsReset: connectionsReset.wrappingAdd(amount, ordering: .relaxed)
        case .connectionsIsolated: connectionsIsolated.wrappingAdd(amount, ordering: .relaxed)
        case .chunksDelayed: chunksDelayed.wrappingAdd(amount, ordering: .relaxed)
        case .chunksCorrupted: chunksCorrupted.wrappingAdd(amount, ordering: .relaxed)
        case .chunksHeld: chunksHeld.wrappingAdd(amount, ordering: .relaxed)
        case .chunksThrottled: chunksThrottled.wrappingAdd(amount, ordering: .relaxed)
        }
    }

    func addBytes(_ count: Int, direction: ProxyDirection) {
        switch direction {
        case .toUpstream: bytesToUpstream.wrappingAdd(count, ordering: .relaxed)
        case .toClient: bytesToClient.wrappingAdd(count, ordering: .relaxed)
        }
    }

    var snapshot: ProxyCounters {
        ProxyCounters(
            connectionsAccepted: connectionsAccepted.load(ordering: .relaxed),
            connectionsOpen: connectionsOpen.load(ordering: .relaxed),
            connectionsRejected: connectionsRejected.load(ordering: .relaxed),
            connectionsReset: connectionsReset.load(ordering: .relaxed),
            connectionsIsolated: connectionsIsolated.load(ordering: .relaxed),
            bytesToUpstream: bytesToUpstream.load(ordering: .relaxed),
            bytesToClient: bytesToClient.load(ordering: .relaxed),
            chunksDelayed: chunksDelayed.load(ordering: .relaxed),
            chunksCorrupted: chunksCorrupted.load(ordering: .relaxed),
            chunksHeld: chunksHeld.load(ordering: .relaxed),
            chunksThrottled: chunksThrottled.load(ordering: .relaxed)
        )
    }
}
