// NetemBenchmarks: on the host kernel (no sch_netem here), what one in-place TBF change costs
// through the Netem API (one netlink request on an open socket) next to the baseline measured in
// the same run: running `tc -n NS qdisc replace … tbf …` for the same change (posix_spawn +
// waitpid). Both work on `lo` of a network namespace created for the run (needs root). The
// netem comparison needs a kernel with netem: Benchmarks/netem-benchmark (user-mode-linux).
//
//   swift package --package-path Benchmarks benchmark --target NetemBenchmarks

import Benchmark
import Glibc
import Netem
import Synchronization

/// Namespace the benchmarks shape, created in setup and deleted in teardown.
private let namespaceName = "vortex-bench-\(getpid())"

/// The shaper under test, set up once per benchmark.
private let sharedShaper = Mutex<LinkShaper?>(nil)

private struct SpawnFailure: Error {
    var arguments: [String]
}

/// Runs a program with posix_spawn + waitpid (the cheapest way to run one).
private func spawn(_ arguments: [String]) throws {
    var pid: pid_t = 0
    let cArguments = arguments.map { strdup($0) } + [nil]
    defer { for argument in cArguments { free(argument) } }
    guard posix_spawnp(&pid, arguments[0], nil, nil, cArguments, environ) == 0 else {
        throw SpawnFailure(arguments: arguments)
    }
    var status: Int32 = 0
    guard waitpid(pid, &status, 0) == pid, status == 0 else {
        throw SpawnFailure(arguments: arguments)
    }
}

private func createNamespace() throws {
    try spawn(["ip", "netns", "add", namespaceName])
    try spawn(["ip", "-n", namespaceName, "link", "set", "lo", "up"])
    let socket = try RouteSocket(namespace: .named(namespaceName))
    let shaper = LinkShaper(socket: socket, link: try socket.link(named: "lo"))
    try shaper.setRateLimit(TokenBucket(rateBytesPerSecond: 125_000, burstBytes: 16_000))
    sharedShaper.withLock { $0 = shaper }
}

private func deleteNamespace() throws {
    let shaper = sharedShaper.withLock { shaper in
        defer { shaper = nil }
        return shaper
    }
    try shaper?.removeAll()
    try spawn(["ip", "netns", "delete", namespaceName])
}

private func currentShaper() -> LinkShaper {
    guard let shaper = sharedShaper.withLock({ $0 }) else {
        preconditionFailure("benchmark setup did not create the namespace")
    }
    return shaper
}

let benchmarks: @Sendable () -> Void = {
    guard getuid() == 0 else {
        print("NetemBenchmarks: needs root (creates a network namespace); nothing measured")
        return
    }
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 5,
        maxDuration: .seconds(3),
        maxIterations: 1_000
    )

    Benchmark(
        "replace TBF rate in place: Netem API",
        closure: { benchmark in
            let shaper = currentShaper()
            for index in benchmark.scaledIterations {
                let rate = UInt32(100_000 + (index % 50) * 1_000)
                try shaper.setRateLimit(TokenBucket(rateBytesPerSecond: rate, burstBytes: 16_000))
            }
        },
        setup: createNamespace,
        teardown: deleteNamespace
    )

    Benchmark(
        "replace TBF rate in place: tc (baseline)",
        closure: { benchmark in
            for index in benchmark.scaledIterations {
                let rate = 100_000 + (index % 50) * 1_000
                try spawn([
                    "tc", "-n", namespaceName, "qdisc", "replace", "dev", "lo", "root", "handle",
                    "12:", "tbf", "rate", "\(rate)bps", "burst", "16000", "latency", "50ms",
                ])
            }
        },
        setup: createNamespace,
        teardown: deleteNamespace
    )
}
