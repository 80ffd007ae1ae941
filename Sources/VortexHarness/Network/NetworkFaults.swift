// The one network-fault vocabulary of the harness (docs/architecture.md, "Faults"). The scheduler
// decides a NetworkFaults value; each backend (proxy or netem) maps it onto its mechanism, and the
// capability table (NetworkBackend.swift) says up front which parts a backend cannot do, so an
// impossible fault is a start-up error, never a silent no-op. Cluster-wide faults touch all
// traffic (the driver's too); a partition (Partition.swift) and per-link faults touch only the
// links between two replicas.

/// Delay with jitter: each chunk or packet waits `delayMs ± U[0, jitterMs]`.
public struct DelayFault: Sendable, Hashable, Codable {
    /// The mean delay in milliseconds.
    public var delayMs: Int
    /// The jitter in milliseconds (at most `delayMs`).
    public var jitterMs: Int

    /// Creates a delay.
    public init(delayMs: Int, jitterMs: Int) {
        precondition(delayMs >= 0, "delay is not negative")
        precondition(jitterMs >= 0 && jitterMs <= delayMs, "jitter within the delay")
        self.delayMs = delayMs
        self.jitterMs = jitterMs
    }
}

/// Faults on one directed link between two replicas only.
public struct LinkFault: Sendable, Hashable {
    /// Delay on what the link carries, or nil.
    public var delay: DelayFault?
    /// Percentage (1–100) of the link's packets lost (netem only), or nil.
    public var lossPercent: Int?

    /// Creates a link fault; both parts absent by default.
    public init(delay: DelayFault? = nil, lossPercent: Int? = nil) {
        self.delay = delay
        self.lossPercent = lossPercent
    }

    /// Whether neither part is set.
    public var isEmpty: Bool { delay == nil && lossPercent == nil }
}

/// The network faults active at one moment.
public struct NetworkFaults: Sendable, Hashable {
    /// Delay on all traffic, or nil.
    public var delay: DelayFault?
    /// Percentage (1–100) of chunks/packets corrupted, or nil.
    public var corruptionPercent: Int?
    /// Percentage (1–100) of packets lost (netem only), or nil.
    public var lossPercent: Int?
    /// The partition in force between replicas, or nil.
    public var partition: Partition?
    /// Faults on single directed links between replicas.
    public var linkFaults: [ReplicaLink: LinkFault]
    /// A bandwidth limit on all traffic (per connection with the proxy, per replica with
    /// netem), or nil.
    public var bandwidthBytesPerSecond: Int?
    /// All traffic held (proxy) or dropped (netem) while connections stay open.
    public var clogged: Bool
    /// Percentage (1–100) of packets sent twice (netem only), or nil.
    public var duplicationPercent: Int?
    /// Percentage (1–100) of packets sent ahead of the others, which wait (netem only), or nil.
    public var reorderPercent: Int?

    /// No faults.
    public static let healed = NetworkFaults()

    /// Creates a value; every fault absent by default.
    public init(
        delay: DelayFault? = nil,
        corruptionPercent: Int? = nil,
        lossPercent: Int? = nil,
        partition: Partition? = nil,
        linkFaults: [ReplicaLink: LinkFault] = [:],
        bandwidthBytesPerSecond: Int? = nil,
        clogged: Bool = false,
        duplicationPercent: Int? = nil,
        reorderPercent: Int? = nil
    ) {
        precondition(linkFaults.values.allSatisfy { !$0.isEmpty }, "no empty link faults")
        self.delay = delay
        self.corruptionPercent = corruptionPercent
        self.lossPercent = lossPercent
        self.partition = partition
        self.linkFaults = linkFaults
        self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
        self.clogged = clogged
        self.duplicationPercent = duplicationPercent
        self.reorderPercent = reorderPercent
    }

    /// Whether no fault is active.
    public var isHealed: Bool { self == .healed }

    /// Whether a fault that affects every replica's traffic is active (delay, corruption, loss,
    /// bandwidth, clog, duplication, reordering).
    public var hasClusterWideFaults: Bool {
        delay != nil || corruptionPercent != nil || lossPercent != nil
            || bandwidthBytesPerSecond != nil || clogged || duplicationPercent != nil
            || reorderPercent != nil
    }

    /// The directed links cut (empty without a partition).
    public var cutLinks: Set<ReplicaLink> { partition?.cut ?? [] }

    /// The link with a delay, if any (the scheduler keeps at most one).
    public var delayedLink: ReplicaLink? {
        linkFaults.keys.sorted().first { linkFaults[$0]?.delay != nil }
    }

    /// The link with a loss, if any (the scheduler keeps at most one).
    public var lossyLink: ReplicaLink? {
        linkFaults.keys.sorted().first { linkFaults[$0]?.lossPercent != nil }
    }

    /// The names of the active faults, for the progress line and the trace.
    public var activeNames: [String] {
        var names: [String] = []
        if let delay { names.append("delay \(delay.delayMs)±\(delay.jitterMs)ms") }
        if let corruptionPercent { names.append("corrupt \(corruptionPercent)%") }
        if let lossPercent { names.append("loss \(lossPercent)%") }
        if let partition { names.append(partition.summary) }
        names += linkFaultNames
        if let bandwidthBytesPerSecond {
            names.append("bandwidth \(bandwidthBytesPerSecond / 1_024)KiB/s")
        }
        if clogged { names.append("clog") }
        if let duplicationPercent { names.append("duplicate \(duplicationPercent)%") }
        if let reorderPercent { names.append("reorder \(reorderPercent)%") }
        return names
    }

    /// The per-link faults in force, by link (`link 0→2 delay 120±50ms`, `link 1→0 loss 3%`).
    public var linkFaultNames: [String] {
        var names: [String] = []
        for link in linkFaults.keys.sorted() {
            guard let fault = linkFaults[link] else { continue }
            if let delay = fault.delay {
                names.append("link \(link) delay \(delay.delayMs)±\(delay.jitterMs)ms")
            }
            if let lossPercent = fault.lossPercent {
                names.append("link \(link) loss \(lossPercent)%")
            }
        }
        return names
    }
}
