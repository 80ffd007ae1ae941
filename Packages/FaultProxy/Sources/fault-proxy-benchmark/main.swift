// fault-proxy-benchmark: compares FaultProxy (no faults) with direct loopback, socat and HAProxy
// in one run on one machine. Run through Benchmarks/proxy-benchmark, which builds it in release
// mode, installs socat and HAProxy if missing, and pins the latency part to one CPU.
//
//   fault-proxy-benchmark throughput [--rounds 5] [--mebibytes 1024]
//       single-stream throughput; the paths take turns in every round (interleaved), rounds with
//       ≥ 3 % CPU steal are redone (up to 3 times), and the result is the median of the rounds.
//   fault-proxy-benchmark latency [--rounds 3] [--round-trips 20000]
//       64-byte request/response round trips; p50 and p99, medians over the rounds.

import Foundation

let arguments = CommandLine.arguments.dropFirst()
let mode = arguments.first ?? "help"

func option(_ name: String, default value: Int) -> Int {
    guard let index = arguments.firstIndex(of: name),
        arguments.index(after: index) < arguments.endIndex,
        let parsed = Int(arguments[arguments.index(after: index)]), parsed > 0
    else { return value }
    return parsed
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func formatted(_ value: Double, _ decimals: Int = 2) -> String {
    String(format: "%.\(decimals)f", value)
}

do {
    switch mode {
    case "throughput":
        try await runThroughput(
            rounds: option("--rounds", default: 5),
            bytes: option("--mebibytes", default: 1024) * 1024 * 1024
        )
    case "latency":
        try await runLatency(
            rounds: option("--rounds", default: 3),
            roundTrips: option("--round-trips", default: 20_000)
        )
    default:
        progress(
            "usage: fault-proxy-benchmark throughput|latency [--rounds N] [--mebibytes M] [--round-trips K]"
        )
        exit(2)
    }
} catch {
    progress("fault-proxy-benchmark: \(error)")
    exit(1)
}
