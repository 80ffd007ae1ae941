// Tests of the fault scheduler: the PRNG matches the published xoshiro256** reference, the same
// seed gives the same schedule, the weights are respected statistically, the optional bound on
// faulty replicas holds, and the executor applies decisions through the abstract ports.

import Testing
import VortexHarness
import Workload

/// Runs the scheduler for `ticks` ticks against an ideal cluster that applies every decision.
private func simulate(
    seed: UInt64,
    weights: FaultWeights,
    replicaCount: Int,
    ticks: Int,
    faultyReplicasMax: Int? = nil,
    check: (ObservedCluster) -> Void = { _ in }
) -> [FaultLogEntry] {
    var scheduler = FaultScheduler(
        seed: seed,
        weights: weights,
        faultyReplicasMax: faultyReplicasMax
    )
    var cluster = ObservedCluster(replicaCount: replicaCount)
    var log: [FaultLogEntry] = []
    for tick in 0..<ticks {
        guard let decision = scheduler.decide(cluster) else { continue }
        cluster.apply(decision)
        check(cluster)
        log.append(
            FaultLogEntry(tick: UInt64(tick), timeUs: Int64(tick) * 10_000, decision: decision)
        )
    }
    return log
}

@Suite struct HarnessFaultSchedulerTests {
    @Test func randomMatchesTheReferenceSequence() {
        // splitmix64 from seed 0 gives the xoshiro state; the first outputs of xoshiro256**
        // seeded that way (as Zig's std.Random.Xoshiro256 with init(0)).
        var random = VortexRandom(seed: 0)
        let first = (0..<3).map { _ in random.next() }
        #expect(first == [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0])
    }

    @Test func uniformStaysInRange() {
        var random = VortexRandom(seed: 5)
        for _ in 0..<10_000 {
            let value = random.uniform(in: 10...500)
            #expect((10...500).contains(value))
        }
        #expect((0..<1_000).allSatisfy { _ in random.uniform(below: 1) == 0 })
    }

    @Test func sameSeedGivesTheSameSchedule() {
        let weights = FaultWeights.defaults(for: .proxy)
        let first = simulate(seed: 42, weights: weights, replicaCount: 3, ticks: 30_000)
        let second = simulate(seed: 42, weights: weights, replicaCount: 3, ticks: 30_000)
        let other = simulate(seed: 43, weights: weights, replicaCount: 3, ticks: 30_000)
        #expect(first.count > 50)
        #expect(first == second)
        #expect(first != other)
    }

    @Test func defaultWeightsGiveTheOriginalRates() {
        // About one terminate per minute (6000 ticks) with 3 replicas, as the original's weights (docs/user-guide.md).
        let log = simulate(
            seed: 7,
            weights: FaultWeights.defaults(for: .proxy),
            replicaCount: 3,
            ticks: 6_000 * 30
        )
        let terminates = log.filter { $0.decision.kind == .terminate }.count
        #expect((12...60).contains(terminates), "terminates in 30 simulated minutes: \(terminates)")
        #expect(!log.contains { $0.decision.kind == .loss }, "proxy backend never loses bytes")
    }

    @Test func weightsAreRespected() {
        // Every action enabled and the state held fixed: counts follow weight / total.
        let weights = FaultWeights([
            .none: 100, .terminate: 10, .restart: 20, .pause: 30, .resume: 5, .delay: 15,
            .corrupt: 25, .isolate: 35, .networkHeal: 40, .heal: 45,
        ])
        var cluster = ObservedCluster(replicaCount: 4)
        cluster.replicas = [.running, .paused, .terminated, .running]
        cluster.network.lossPercent = 5
        var scheduler = FaultScheduler(seed: 1, weights: weights)
        let draws = 100_000
        var counts: [FaultKind: Int] = [:]
        for _ in 0..<draws {
            counts[scheduler.decide(cluster)?.kind ?? .none, default: 0] += 1
        }
        let total = Double(FaultKind.allCases.reduce(0) { $0 + weights[$1] })
        for kind in FaultKind.allCases {
            let p = Double(weights[kind]) / total
            let expected = p * Double(draws)
            let sigma = (Double(draws) * p * (1 - p)).squareRoot()
            let observed = Double(counts[kind] ?? 0)
            #expect(
                abs(observed - expected) <= 6 * sigma + 1,
                "\(kind): \(observed) vs \(expected)"
            )
        }
    }

    @Test func disabledActionsAreNeverDrawn() {
        var scheduler = FaultScheduler(seed: 3, weights: FaultWeights([.resume: 1, .restart: 1]))
        #expect(scheduler.decide(ObservedCluster(replicaCount: 3)) == nil)
        var cluster = ObservedCluster(replicaCount: 3)
        cluster.replicas[2] = .paused
        #expect(scheduler.decide(cluster) == .resume(replica: 2))
    }

    @Test(arguments: [(3, 1), (5, 2), (6, 2), (1, 0)])
    func boundOnFaultyReplicasHolds(replicaCount: Int, bound: Int) {
        let weights = FaultWeights([
            .none: 10, .terminate: 20, .restart: 5, .pause: 20, .resume: 5, .isolate: 20,
            .networkHeal: 5, .heal: 1,
        ])
        var worst = 0
        let log = simulate(
            seed: 11,
            weights: weights,
            replicaCount: replicaCount,
            ticks: 40_000,
            faultyReplicasMax: bound
        ) { cluster in
            worst = max(worst, cluster.faultyReplicaCount)
        }
        #expect(worst <= bound)
        #expect(bound == 0 || worst == bound, "the bound is reached, not just respected")
        #expect(!log.isEmpty)
    }

    @Test func unboundedSchedulerCanTakeEveryReplicaDown() {
        let weights = FaultWeights([.none: 10, .terminate: 20, .pause: 20, .heal: 1])
        var worst = 0
        _ = simulate(seed: 5, weights: weights, replicaCount: 3, ticks: 10_000) { cluster in
            worst = max(worst, cluster.faultyReplicaCount)
        }
        #expect(worst == 3)
    }

    @Test func delayAndCorruptionUseTheOriginalRanges() {
        let log = simulate(
            seed: 9,
            weights: FaultWeights([.none: 1, .delay: 5, .corrupt: 5, .networkHeal: 5]),
            replicaCount: 3,
            ticks: 20_000
        )
        for entry in log {
            switch entry.decision {
            case .delay(let delay):
                #expect((10...500).contains(delay.delayMs))
                #expect(delay.jitterMs == min(delay.delayMs, 50))
            case .corrupt(let percent): #expect((1...10).contains(percent))
            default: break
            }
        }
    }
}

/// Records what the executor asked for.
private actor RecordingControl: ReplicaControl, NetworkBackend {
    var calls: [String] = []
    func start() {}
    func stop() {}
    nonisolated func counterLines() -> [String] { [] }
    func terminate(replica: Int) { calls.append("terminate \(replica)") }
    func restart(replica: Int) { calls.append("restart \(replica)") }
    func pause(replica: Int) { calls.append("pause \(replica)") }
    func resume(replica: Int) { calls.append("resume \(replica)") }
    func apply(_ faults: NetworkFaults) { calls.append("network \(faults.activeNames)") }
    func resetConnections(replica: Int) { calls.append("reset \(replica)") }
}

@Suite struct HarnessFaultExecutorTests {
    @Test func executesDecisionsThroughThePorts() async throws {
        let control = RecordingControl()
        var executor = FaultExecutor(replicaCount: 3, replicas: control, network: control)
        try await executor.execute(.terminate(replica: 1))
        try await executor.execute(.pause(replica: 2))
        try await executor.execute(.delay(DelayFault(delayMs: 100, jitterMs: 50)))
        try await executor.execute(.isolate(replica: 0))
        // Replica 0 is the only one running: a group of one, cut from no running replica.
        #expect(executor.cluster.faultyReplicaCount == 2)
        try await executor.execute(.reset(replica: 0))
        try await executor.execute(.heal)
        #expect(executor.cluster == ObservedCluster(replicaCount: 3))
        #expect(
            await control.calls == [
                "terminate 1", "pause 2", "network [\"delay 100±50ms\"]",
                "network [\"delay 100±50ms\", \"isolate (4 links cut)\"]", "reset 0",
                "network []", "resume 2", "restart 1",
            ]
        )
    }

    @Test func unsupportedKindsAreReported() {
        let proxy = FaultBackendKind.proxy.capabilities
        #expect(
            proxy.unsupportedKinds(among: FaultWeights.defaults(for: .netem))
                == [.loss, .linkLoss, .reorder]
        )
        #expect(proxy.unsupportedKinds(among: FaultWeights.defaults(for: .proxy)).isEmpty)
        #expect(FaultBackendKind.netem.capabilities.supports(.loss))
        #expect(
            FaultBackendKind.none.capabilities.unsupportedKinds(among: .defaults(for: .none))
                .isEmpty
        )
    }

    @Test func theCapabilityTableDecidesWhichOverridesAreAccepted() throws {
        var weights = FaultWeights.defaults(for: .proxy)
        #expect(weights[.loss] == 0)
        #expect(throws: ConfigurationError.self) {
            try weights.apply(overrides: ["loss=2"], backend: .proxy)
        }
        #expect(throws: ConfigurationError.self) {
            try weights.apply(overrides: ["delay=2"], backend: .none)
        }
        var netem = FaultWeights.defaults(for: .netem)
        try netem.apply(overrides: ["loss=5"], backend: .netem)
        #expect(netem[.loss] == 5)
        for backend in FaultBackendKind.allCases {
            let defaults = FaultWeights.defaults(for: backend)
            #expect(backend.capabilities.unsupportedKinds(among: defaults).isEmpty, "\(backend)")
        }
    }
}
