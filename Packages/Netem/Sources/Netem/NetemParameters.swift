// What one netem qdisc does to the packets that reach it: delay, jitter, loss, corruption,
// duplication, reordering, rate and queue limit, in the units a user writes (milliseconds,
// percentages, bytes per second). Validation happens here; the conversion to the kernel's scales
// (psched ticks, 32-bit probabilities) lives in NetemRequest.swift.

/// The shape of the random part of the delay (the `distribution` of `tc qdisc … netem`).
public enum DelayDistribution: String, Sendable, Hashable, CaseIterable {
    /// Delay ± jitter, uniformly spread (the kernel's default: no table sent).
    case uniform
    /// Normal distribution (iproute2's normal.dist).
    case normal
    /// Pareto distribution (iproute2's pareto.dist).
    case pareto
    /// Mix of Pareto and normal (iproute2's paretonormal.dist).
    case paretoNormal = "paretonormal"
}

/// How packets are dropped.
public enum PacketLoss: Sendable, Hashable {
    /// Each packet is dropped with `percent` probability; `correlationPercent` ties a packet's
    /// chance to the previous one (0 = independent).
    case random(percent: Double, correlationPercent: Double = 0)
    /// Gilbert-Elliott two-state model (bursty loss): `p` = good→bad, `r` = bad→good transition
    /// probabilities; `lossInBadPercent` = 1-h is the loss in the bad state, `lossInGoodPercent`
    /// = 1-k the loss in the good state. All in percent (tc's `loss gemodel p r 1-h 1-k`).
    case gilbertElliott(
        pPercent: Double,
        rPercent: Double,
        lossInBadPercent: Double = 100,
        lossInGoodPercent: Double = 0
    )

    /// No loss at all.
    public static let none = PacketLoss.random(percent: 0)
}

/// The settings of one netem qdisc. The zero value (`NetemParameters()`) passes everything
/// through unchanged; set only what you need.
public struct NetemParameters: Sendable, Hashable {
    /// Added one-way delay in milliseconds (each packet leaving through the qdisc).
    public var delayMs: Double
    /// Random variation of the delay in milliseconds (delay ± jitter).
    public var jitterMs: Double
    /// Correlation of successive delays, in percent.
    public var delayCorrelationPercent: Double
    /// Shape of the jitter; anything but `.uniform` needs a non-zero jitter.
    public var distribution: DelayDistribution
    /// Packet loss.
    public var loss: PacketLoss
    /// Percentage of packets that get one bit flipped.
    public var corruptionPercent: Double
    /// Correlation of successive corruption decisions, in percent.
    public var corruptionCorrelationPercent: Double
    /// Percentage of packets sent twice.
    public var duplicationPercent: Double
    /// Correlation of successive duplication decisions, in percent.
    public var duplicationCorrelationPercent: Double
    /// Percentage of packets sent at once (ahead of the delayed ones); needs a delay.
    public var reorderPercent: Double
    /// Correlation of successive reorder decisions, in percent.
    public var reorderCorrelationPercent: Double
    /// With reordering: every `reorderGap`-th packet is sent at once (0 = decided by
    /// `reorderPercent` alone).
    public var reorderGap: UInt32
    /// Egress rate limit in bytes per second (netem's own `rate`); nil = unlimited.
    public var rateBytesPerSecond: UInt64?
    /// Most packets the qdisc queues (tc's `limit`, default 1000).
    public var limitPackets: UInt32

    /// Settings that pass everything through; change the fields you need.
    public init(
        delayMs: Double = 0,
        jitterMs: Double = 0,
        delayCorrelationPercent: Double = 0,
        distribution: DelayDistribution = .uniform,
        loss: PacketLoss = .none,
        corruptionPercent: Double = 0,
        corruptionCorrelationPercent: Double = 0,
        duplicationPercent: Double = 0,
        duplicationCorrelationPercent: Double = 0,
        reorderPercent: Double = 0,
        reorderCorrelationPercent: Double = 0,
        reorderGap: UInt32 = 0,
        rateBytesPerSecond: UInt64? = nil,
        limitPackets: UInt32 = 1000
    ) {
        self.delayMs = delayMs
        self.jitterMs = jitterMs
        self.delayCorrelationPercent = delayCorrelationPercent
        self.distribution = distribution
        self.loss = loss
        self.corruptionPercent = corruptionPercent
        self.corruptionCorrelationPercent = corruptionCorrelationPercent
        self.duplicationPercent = duplicationPercent
        self.duplicationCorrelationPercent = duplicationCorrelationPercent
        self.reorderPercent = reorderPercent
        self.reorderCorrelationPercent = reorderCorrelationPercent
        self.reorderGap = reorderGap
        self.rateBytesPerSecond = rateBytesPerSecond
        self.limitPackets = limitPackets
    }

    /// Drops every packet: a partition of whatever the qdisc shapes.
    public static let dropEverything = NetemParameters(loss: .random(percent: 100))

    /// Checks ranges and combinations the kernel would reject (or silently ignore).
    /// - Throws: `NetemError.invalidParameters` naming the first bad field.
    public func validate() throws(NetemError) {
        func requireMs(_ value: Double, _ name: String) throws(NetemError) {
            guard value.isFinite, value >= 0, value <= 3_600_000 else {
                throw .invalidParameters("\(name) must be between 0 and 3600000 ms, got \(value)")
            }
        }
        func requirePercent(_ value: Double, _ name: String) throws(NetemError) {
            guard value.isFinite, value >= 0, value <= 100 else {
                throw .invalidParameters("\(name) must be a percentage (0-100), got \(value)")
            }
        }
        try requireMs(delayMs, "delayMs")
        try requireMs(jitterMs, "jitterMs")
        try requirePercent(delayCorrelationPercent, "delayCorrelationPercent")
        try requirePercent(corruptionPercent, "corruptionPercent")
        try requirePercent(corruptionCorrelationPercent, "corruptionCorrelationPercent")
        try requirePercent(duplicationPercent, "duplicationPercent")
        try requirePercent(duplicationCorrelationPercent, "duplicationCorrelationPercent")
        try requirePercent(reorderPercent, "reorderPercent")
        try requirePercent(reorderCorrelationPercent, "reorderCorrelationPercent")
        switch loss {
        case .random(let percent, let correlationPercent):
            try requirePercent(percent, "loss percent")
            try requirePercent(correlationPercent, "loss correlation")
        case .gilbertElliott(let p, let r, let lossInBad, let lossInGood):
            try requirePercent(p, "Gilbert-Elliott p")
            try requirePercent(r, "Gilbert-Elliott r")
            try requirePercent(lossInBad, "Gilbert-Elliott loss in bad state")
            try requirePercent(lossInGood, "Gilbert-Elliott loss in good state")
        }
        if distribution != .uniform && jitterMs == 0 {
            throw .invalidParameters(
                "distribution \(distribution.rawValue) needs a jitter: set jitterMs > 0"
            )
        }
        if (reorderPercent > 0 || reorderGap > 0) && delayMs == 0 {
            throw .invalidParameters("reordering needs a delay: set delayMs > 0")
        }
        if let rate = rateBytesPerSecond, rate == 0 {
            throw .invalidParameters("rateBytesPerSecond must be > 0 (nil for no limit)")
        }
        if limitPackets == 0 {
            throw .invalidParameters("limitPackets must be > 0")
        }
    }
}

/// Maps a percentage to the kernel's 32-bit probability scale (100 % = UInt32.max).
func kernelProbability(percent: Double) -> UInt32 {
    if percent >= 100 { return UInt32.max }
    if percent <= 0 { return 0 }
    return UInt32((percent / 100 * Double(UInt32.max)).rounded(.down))
}

/// Maps the kernel's 32-bit probability back to a percentage.
func percent(kernelProbability value: UInt32) -> Double {
    Double(value) / Double(UInt32.max) * 100
}
