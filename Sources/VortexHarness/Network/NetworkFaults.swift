// The one network-fault vocabulary of the harness (docs/architecture.md, "Faults"). The scheduler
// decides a NetworkFaults value; each backend (proxy or netem) maps it onto its mechanism, and the
// capability table (NetworkBackend.swift) says up front which parts a backend cannot do, so an
// impossible fault is a start-up error, never a silent no-op.

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

/// The network faults active at one moment.
public struct NetworkFaults: Sendable, Hashable, Codable {
    /// Delay on all traffic, or nil.
    public var delay: DelayFault?
    /// Percentage (1–100) of chunks/packets corrupted, or nil.
    public var corruptionPercent: Int?
    /// Percentage (1–100) of packets lost (netem only), or nil.
    public var lossPercent: Int?
    /// The replica cut off from the network, or nil.
    public var isolatedReplica: Int?

    /// No faults.
    public static let healed = NetworkFaults()

    /// Creates a value; every fault absent by default.
    public init(
        delay: DelayFault? = nil,
        corruptionPercent: Int? = nil,
        lossPercent: Int? = nil,
        isolatedReplica: Int? = nil
    ) {
        self.delay = delay
        self.corruptionPercent = corruptionPercent
        self.lossPercent = lossPercent
        self.isolatedReplica = isolatedReplica
    }

    /// Whether no fault is active.
    public var isHealed: Bool { self == .healed }

    /// Whether a fault that affects every replica's traffic is active (delay, corruption, loss).
    public var hasClusterWideFaults: Bool {
        delay != nil || corruptionPercent != nil || lossPercent != nil
    }

    /// The names of the active faults, for the progress line and the trace.
    public var activeNames: [String] {
        var names: [String] = []
        if let delay { names.append("delay \(delay.delayMs)±\(delay.jitterMs)ms") }
        if let corruptionPercent { names.append("corrupt \(corruptionPercent)%") }
        if let lossPercent { names.append("loss \(lossPercent)%") }
        if let isolatedReplica { names.append("isolate r\(isolatedReplica)") }
        return names
    }
}
