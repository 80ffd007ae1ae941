// The decision source of `vortex replay`: a recorded schedule whose decisions come due at their
// recorded times. Times are on the tick loop's clock (time since the loop started), because a
// run's loop starts after its replicas and driver, whose start-up takes a different time in every
// run: the original's `tickLoopStartUs` (summary.json) is subtracted. A decision is due when the
// original began to carry it out (`decidedUs`, or `timeUs` in files without it), so that it takes
// effect when it did in the original (`timeUs`) if carrying it out takes as long again. The tick
// loop wakes at each due time rather than at its next 10 ms tick; decisions come out in file
// order, one per wake-up, and one that is impossible at that moment is handed back as a skip.

/// A recorded schedule handed out in time.
public struct ScriptedSchedule: FaultDecisionSource, Hashable {
    /// One recorded decision and when it is due.
    public struct Step: Sendable, Hashable {
        /// Time since the tick loop started at which the original began to carry it out.
        public var loopTime: Duration
        /// The decision.
        public var decision: FaultDecision

        /// Creates a step.
        public init(loopTime: Duration, decision: FaultDecision) {
            self.loopTime = loopTime
            self.decision = decision
        }
    }

    /// The steps in the order they are carried out.
    public let steps: [Step]
    private var nextIndex = 0

    /// A schedule of `steps`, carried out in their order.
    public init(steps: [Step]) {
        self.steps = steps
    }

    /// The steps of faults.jsonl `entries` recorded in a run whose tick loop started at
    /// `loopStartUs` on the run's clock; a decision recorded before that counts as due at once.
    public init(entries: [FaultLogEntry], loopStartUs: Int64) {
        steps = entries.map { entry in
            Step(
                loopTime: .microseconds(max(0, (entry.decidedUs ?? entry.timeUs) - loopStartUs)),
                decision: entry.decision
            )
        }
    }

    /// Steps not handed out yet.
    public var remaining: Int { steps.count - nextIndex }

    /// The due time of the next step.
    public var nextDueTime: Duration? {
        nextIndex < steps.count ? steps[nextIndex].loopTime : nil
    }

    /// The next step if it is due at `elapsed`: to carry out, or to skip when impossible.
    public mutating func next(at elapsed: Duration, in cluster: ObservedCluster) -> SourcedDecision?
    {
        guard nextIndex < steps.count, steps[nextIndex].loopTime <= elapsed else { return nil }
        let step = steps[nextIndex]
        nextIndex += 1
        if let reason = cluster.impossibility(of: step.decision) {
            return .skip(step.decision, reason: reason)
        }
        return .carryOut(step.decision)
    }
}
