// Tests of the liveness checker with injected time: the original's rule (17 without progress,
// 18 for a slow finished request, periods only while faults are tolerable) and the additions
// (the oldest in-flight request counts; a freshly restarted replica is not yet healthy).

import Testing
import VortexHarness

private func replicas(
    _ states: [ReplicaFaultState],
    startedAt: Duration = .zero
)
    -> [ReplicaLiveness]
{
    states.map { ReplicaLiveness(state: $0, startedAt: startedAt) }
}

@Suite struct HarnessLivenessTests {
    private let window = Duration.seconds(10)

    private func checker(replicaCount: Int = 3, grace: Duration = .seconds(1)) -> LivenessChecker {
        LivenessChecker(window: window, startupGrace: grace, replicaCount: replicaCount)
    }

    @Test func toleratesTheOriginalNumberOfFaultyReplicas() {
        #expect(checker(replicaCount: 1).faultyReplicasTolerated == 0)
        #expect(checker(replicaCount: 3).faultyReplicasTolerated == 1)
        #expect(checker(replicaCount: 5).faultyReplicasTolerated == 2)
        #expect(checker(replicaCount: 6).faultyReplicasTolerated == 2)
    }

    @Test func noProgressInAnAcceptablePeriodIs17() {
        var liveness = checker()
        let up = replicas([.running, .running, .terminated])
        #expect(
            liveness.check(
                now: .seconds(2),
                replicas: up,
                network: .healed,
                oldestInFlightStart: nil
            ) == nil
        )
        #expect(liveness.periodStart == .seconds(2))
        #expect(
            liveness.check(
                now: .seconds(12),
                replicas: up,
                network: .healed,
                oldestInFlightStart: nil
            ) == nil
        )
        let violation = liveness.check(
            now: .milliseconds(12_010),
            replicas: up,
            network: .healed,
            oldestInFlightStart: nil
        )
        #expect(violation == .noProgress(periodStart: .seconds(2), now: .milliseconds(12_010)))
        #expect(violation?.outcome == .liveness)
        #expect(violation?.outcome.code == 17)
    }

    @Test func progressKeepsThePeriodAlive() {
        var liveness = checker()
        let up = replicas([.running, .running, .running])
        _ = liveness.check(
            now: .seconds(2),
            replicas: up,
            network: .healed,
            oldestInFlightStart: nil
        )
        liveness.requestFinished(start: .seconds(3), end: .seconds(4))
        #expect(
            liveness.check(
                now: .seconds(30),
                replicas: up,
                network: .healed,
                oldestInFlightStart: nil
            ) == nil
        )
    }

    @Test func tooManyFaultyReplicasOrNetworkFaultsSuspendTheRule() {
        var liveness = checker()
        let twoDown = replicas([.running, .paused, .terminated])
        _ = liveness.check(
            now: .seconds(2),
            replicas: twoDown,
            network: .healed,
            oldestInFlightStart: nil
        )
        #expect(liveness.periodStart == nil)
        #expect(
            liveness.check(
                now: .seconds(100),
                replicas: twoDown,
                network: .healed,
                oldestInFlightStart: nil
            ) == nil
        )
        var delayed = NetworkFaults.healed
        delayed.delay = DelayFault(delayMs: 100, jitterMs: 50)
        let up = replicas([.running, .running, .running])
        _ = liveness.check(
            now: .seconds(101),
            replicas: up,
            network: delayed,
            oldestInFlightStart: nil
        )
        #expect(liveness.periodStart == nil)
        // Back to acceptable: a new period starts and its own window counts.
        _ = liveness.check(
            now: .seconds(200),
            replicas: up,
            network: .healed,
            oldestInFlightStart: nil
        )
        #expect(liveness.periodStart == .seconds(200))
    }

    @Test func anIsolatedReplicaCountsAsFaulty() {
        var liveness = checker()
        var isolated = NetworkFaults.healed
        isolated.partition = .isolating(0, replicaCount: 3)
        _ = liveness.check(
            now: .seconds(2),
            replicas: replicas([.running, .running, .paused]),
            network: isolated,
            oldestInFlightStart: nil
        )
        #expect(liveness.periodStart == nil)
        _ = liveness.check(
            now: .seconds(3),
            replicas: replicas([.running, .running, .running]),
            network: isolated,
            oldestInFlightStart: nil
        )
        #expect(liveness.periodStart == .seconds(3))
    }

    @Test func aSlowFinishedRequestIs18CountedFromThePeriodStart() {
        var liveness = checker()
        let up = replicas([.running, .running, .running])
        _ = liveness.check(
            now: .seconds(5),
            replicas: up,
            network: .healed,
            oldestInFlightStart: nil
        )
        // Started long before the period: only the 9 s inside it count.
        liveness.requestFinished(start: .zero, end: .seconds(14))
        #expect(
            liveness.check(
                now: .seconds(14),
                replicas: up,
                network: .healed,
                oldestInFlightStart: nil
            ) == nil
        )
        liveness.requestFinished(start: .seconds(6), end: .seconds(17))
        let violation = liveness.check(
            now: .seconds(17),
            replicas: up,
            network: .healed,
            oldestInFlightStart: nil
        )
        #expect(violation == .slowRequest(spent: .seconds(11)))
        #expect(violation?.outcome.code == 18)
    }

    @Test func aStuckInFlightRequestIs18EvenAfterOthersFinished() {
        // The original only looks at finished requests and would never flag this one.
        var liveness = checker()
        let up = replicas([.running, .running, .running])
        _ = liveness.check(
            now: .seconds(1),
            replicas: up,
            network: .healed,
            oldestInFlightStart: nil
        )
        liveness.requestFinished(start: .seconds(1), end: .seconds(2))
        #expect(
            liveness.check(
                now: .seconds(11),
                replicas: up,
                network: .healed,
                oldestInFlightStart: .seconds(2)
            ) == nil
        )
        let violation = liveness.check(
            now: .milliseconds(12_500),
            replicas: up,
            network: .healed,
            oldestInFlightStart: .seconds(2)
        )
        #expect(violation == .stuckRequest(spent: .milliseconds(10_500)))
        #expect(violation?.outcome == .requestSlow)
    }

    @Test func recordsTheLongestRecovery() {
        var liveness = checker()
        let up = replicas([.running, .running, .running])
        let down = replicas([.terminated, .paused, .running])
        _ = liveness.check(
            now: .seconds(1),
            replicas: up,
            network: .healed,
            oldestInFlightStart: nil
        )
        liveness.requestFinished(start: .seconds(1), end: .seconds(3))
        liveness.requestFinished(start: .seconds(3), end: .seconds(9))
        #expect(liveness.longestRecovery == .seconds(2))
        _ = liveness.check(
            now: .seconds(10),
            replicas: down,
            network: .healed,
            oldestInFlightStart: nil
        )
        _ = liveness.check(
            now: .seconds(20),
            replicas: up,
            network: .healed,
            oldestInFlightStart: nil
        )
        liveness.requestFinished(start: .seconds(12), end: .seconds(27))
        #expect(liveness.longestRecovery == .seconds(7))
    }

    @Test func requestsOutsideAPeriodAreNotJudged() {
        var liveness = checker()
        liveness.requestFinished(start: .zero, end: .seconds(60))
        let up = replicas([.running, .running, .running])
        #expect(
            liveness.check(
                now: .seconds(60),
                replicas: up,
                network: .healed,
                oldestInFlightStart: nil
            ) == nil
        )
        #expect(liveness.finishedInPeriod == 0)
    }

    @Test func aFreshlyStartedReplicaIsNotHealthyUntilTheGraceEnds() {
        var liveness = checker(grace: .seconds(5))
        // Replica 2 restarted at 10 s; replica 1 is paused: two unhealthy until 15 s.
        let states = [
            ReplicaLiveness(state: .running, startedAt: .zero),
            ReplicaLiveness(state: .paused, startedAt: .zero),
            ReplicaLiveness(state: .running, startedAt: .seconds(10)),
        ]
        _ = liveness.check(
            now: .seconds(12),
            replicas: states,
            network: .healed,
            oldestInFlightStart: nil
        )
        #expect(liveness.periodStart == nil)
        #expect(!liveness.isHealthy(states[2], now: .milliseconds(14_999)))
        _ = liveness.check(
            now: .seconds(15),
            replicas: states,
            network: .healed,
            oldestInFlightStart: nil
        )
        #expect(liveness.periodStart == .seconds(15))
    }

    @Test func atStartTheRuleWaitsForTheGrace() {
        var liveness = checker(replicaCount: 1, grace: .seconds(5))
        let one = replicas([.running])
        _ = liveness.check(
            now: .seconds(1),
            replicas: one,
            network: .healed,
            oldestInFlightStart: nil
        )
        #expect(liveness.periodStart == nil)
        _ = liveness.check(
            now: .seconds(5),
            replicas: one,
            network: .healed,
            oldestInFlightStart: nil
        )
        #expect(liveness.periodStart == .seconds(5))
    }
}
