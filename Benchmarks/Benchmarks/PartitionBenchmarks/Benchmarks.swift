// PartitionBenchmarks: how long applying and healing each partition shape takes through the proxy
// backend, with every stand-in replica on its own host (VortexHarness's PartitionStandIn, the
// same set-up and partitions `vortex partition-check` checks), at 3 and 5 replicas. The baseline,
// measured in the same run, is isolation (one replica cut off both ways, today's partition
// before the shapes). Apply is timed with the links healed before it; heal with the shape
// applied before it. Each benchmark runs in a process of its own, which enters a network
// namespace of its own at load (COwnNetworkNamespace; needs root). Netem needs a kernel with
// sch_netem, which the host has not: its figures come from `vortex partition-check --faults
// netem` inside user-mode-linux (Benchmarks/partition-benchmark, docs/benchmarks.md).
//
//   swift package --package-path Benchmarks benchmark --target PartitionBenchmarks

import Benchmark
import COwnNetworkNamespace
import Synchronization
import VortexHarness

/// The replica counts measured.
private let replicaCounts = [3, 5]

/// The stand-in cluster of the benchmark running in this process, made in its setup.
private let sharedStandIn = Mutex<PartitionStandIn?>(nil)

private func startStandIn(replicaCount: Int) async throws {
    let standIn = try await PartitionStandIn(backend: .proxy, replicaCount: replicaCount)
    sharedStandIn.withLock { $0 = standIn }
}

private func stopStandIn() async {
    let standIn = sharedStandIn.withLock { standIn in
        defer { standIn = nil }
        return standIn
    }
    await standIn?.stop()
}

private func currentStandIn() -> PartitionStandIn {
    guard let standIn = sharedStandIn.withLock({ $0 }) else {
        preconditionFailure("benchmark setup did not start the stand-in cluster")
    }
    return standIn
}

private func name(_ operation: String, _ shape: PartitionShape, replicaCount: Int) -> String {
    "proxy \(replicaCount) replicas: \(operation) \(shape.rawValue)"
        + (shape == .isolate ? " (baseline)" : "")
}

let benchmarks: @Sendable () -> Void = {
    let namespaceErrno = vx_own_network_namespace_errno()
    guard namespaceErrno == 0 else {
        print(
            "PartitionBenchmarks: cannot enter a network namespace of its own (errno "
                + "\(namespaceErrno); needs root); nothing measured"
        )
        return
    }
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock],
        timeUnits: .microseconds,
        warmupIterations: 10,
        maxDuration: .seconds(2),
        maxIterations: 2_000
    )

    for replicaCount in replicaCounts {
        for shape in PartitionStandIn.shapes(replicaCount: replicaCount) {
            Benchmark(
                name("apply", shape, replicaCount: replicaCount),
                closure: { benchmark in
                    let standIn = currentStandIn()
                    let partition = standIn.partition(shape)
                    benchmark.startMeasurement()
                    try await standIn.apply(partition)
                    benchmark.stopMeasurement()
                    try await standIn.heal()
                },
                setup: { try await startStandIn(replicaCount: replicaCount) },
                teardown: { await stopStandIn() }
            )
            Benchmark(
                name("heal", shape, replicaCount: replicaCount),
                closure: { benchmark in
                    let standIn = currentStandIn()
                    try await standIn.apply(standIn.partition(shape))
                    benchmark.startMeasurement()
                    try await standIn.heal()
                    benchmark.stopMeasurement()
                },
                setup: { try await startStandIn(replicaCount: replicaCount) },
                teardown: { await stopStandIn() }
            )
        }
    }
}
