// Where the tick loop's fault decisions come from: the seeded FaultScheduler of `vortex run` (one
// draw per tick), or the recorded schedule of `vortex replay` (Replay/ScriptedSchedule.swift),
// which hands out each recorded decision once its time has come. A scripted decision can be
// impossible when its moment comes (restarting a replica that is up); the source says so and
// the loop logs and skips it. Whether a decision is possible in a state is decided here, once.

/// What a decision source hands the tick loop on one wake-up.
public enum SourcedDecision: Sendable, Hashable {
    /// Carry out this decision.
    case carryOut(FaultDecision)
    /// A scripted decision that cannot be carried out in the current state: log it, skip it.
    case skip(FaultDecision, reason: String)
}

/// The tick loop's supplier of fault decisions.
public protocol FaultDecisionSource: Sendable {
    /// When the next decision is due, as time since the tick loop started; the loop wakes then
    /// if that is before its next tick. Nil: no time is known (decide on every tick).
    var nextDueTime: Duration? { get }

    /// This wake-up's decision at loop time `elapsed` in `cluster`, or nil for nothing.
    mutating func next(at elapsed: Duration, in cluster: ObservedCluster) -> SourcedDecision?
}

extension FaultScheduler: FaultDecisionSource {
    /// The scheduler draws on every tick.
    public var nextDueTime: Duration? { nil }

    /// One weighted draw (time does not matter to the scheduler).
    public mutating func next(at elapsed: Duration, in cluster: ObservedCluster) -> SourcedDecision?
    {
        decide(cluster).map(SourcedDecision.carryOut)
    }
}

extension ObservedCluster {
    /// Why `decision` cannot be carried out in this state, or nil when it can. Only process
    /// actions depend on the state (a replica must be up to be killed, down to be restarted,
    /// running to be paused, paused to be resumed); network actions and heals always can.
    public func impossibility(of decision: FaultDecision) -> String? {
        guard let replica = decision.replica else { return nil }
        guard replicas.indices.contains(replica) else {
            return "replica \(replica) does not exist in a \(replicas.count)-replica cluster"
        }
        let state = replicas[replica]
        let possible: Bool
        switch decision {
        case .terminate: possible = state != .terminated
        case .restart: possible = state == .terminated
        case .pause: possible = state == .running
        case .resume: possible = state == .paused
        default: possible = true
        }
        return possible ? nil : "replica \(replica) is \(state.rawValue)"
    }
}
