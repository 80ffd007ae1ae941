// The one network-fault vocabulary of the harness (ARCHITECTURE.md §4). The scheduler decides a
// NetworkFaults value; each backend (proxy or netem) maps it onto its mechanism and says up front
// which parts it cannot do, so an impossible fault is a start-up error, never a silent no-op.

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

/// Which parts of ``NetworkFaults`` a backend can inject.
public struct NetworkFaultCapabilities: Sendable, Hashable {
    /// Delay and jitter.
    public var delay: Bool
    /// Corruption.
    public var corruption: Bool
    /// Packet loss.
    public var loss: Bool
    /// Cutting one replica off.
    public var isolation: Bool

    /// Creates a capability set.
    public init(delay: Bool, corruption: Bool, loss: Bool, isolation: Bool) {
        self.delay = delay
        self.corruption = corruption
        self.loss = loss
        self.isolation = isolation
    }

    /// The fault kinds a backend with these capabilities cannot inject.
    public func unsupportedKinds(among weights: FaultWeights) -> [FaultKind] {
        let supported: [FaultKind: Bool] = [
            .delay: delay, .corrupt: corruption, .loss: loss, .isolate: isolation,
        ]
        return FaultKind.allCases.filter { kind in
            supported[kind] == false && weights[kind] > 0
        }
    }
}
