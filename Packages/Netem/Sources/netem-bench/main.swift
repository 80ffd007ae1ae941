// netem-bench: times applying and replacing a netem qdisc through the Netem API (one netlink
// request) against running `tc` for the same change (a process that parses, opens its own
// netlink socket and sends the same request), interleaved in one run. Needs a kernel with
// sch_netem: Benchmarks/netem-benchmark runs it under user-mode-linux.
//
//   netem-bench [ROUNDS]     (default 200; prints a Markdown table)

import Glibc
import Netem

/// Microseconds elapsed while `body` runs.
func timeMicroseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
}

/// Runs a program (posix_spawn + waitpid, the cheapest way to run one) and checks it succeeded.
func spawn(_ arguments: [String]) throws {
    var pid: pid_t = 0
    let cArguments = arguments.map { strdup($0) } + [nil]
    defer { for argument in cArguments { free(argument) } }
    let spawned = posix_spawnp(&pid, arguments[0], nil, nil, cArguments, environ)
    guard spawned == 0 else { throw BenchFailure("posix_spawn \(arguments[0]): \(spawned)") }
    var status: Int32 = 0
    guard waitpid(pid, &status, 0) == pid, status == 0 else {
        throw BenchFailure("\(arguments.joined(separator: " ")) failed (status \(status))")
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Percentile of a sample (nearest rank).
func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    let rank = min(
        sorted.count - 1,
        max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1)
    )
    return sorted[rank]
}

func format(_ microseconds: Double) -> String {
    microseconds >= 1000
        ? "\(Int((microseconds / 1000 * 100).rounded()) / 100) ms"
        : "\(Int(microseconds.rounded())) µs"
}

func main() throws {
    let rounds = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 200
    precondition((1...100_000).contains(rounds), "rounds must be 1...100000")
    let socket = try RouteSocket()
    let link = try socket.link(named: "lo")
    let shaper = LinkShaper(socket: socket, link: link)
    let handle = "\(String(LinkShaper.linkNetemHandle.major, radix: 16)):"
    let target = UInt16(1)
    let targetClass = LinkShaper.targetClass(target).description
    let targetHandle = LinkShaper.targetNetemHandle(target).description

    var apiApply: [Double] = []
    var tcApply: [Double] = []
    var apiReplace: [Double] = []
    var tcReplace: [Double] = []
    var apiTarget: [Double] = []
    var tcTarget: [Double] = []
    // Warm-up: load the modules, fault in both code paths.
    try shaper.setLinkNetem(NetemParameters(delayMs: 1))
    try shaper.removeAll()
    try spawn([
        "tc", "qdisc", "add", "dev", "lo", "root", "handle", handle, "netem", "delay", "1ms",
    ])
    try spawn(["tc", "qdisc", "del", "dev", "lo", "root"])

    for round in 0..<rounds {
        let delayMs = Double(10 + round % 20)
        let changedMs = delayMs + 5
        // API: apply to a link with its default qdisc, then replace in place.
        apiApply.append(
            try timeMicroseconds { try shaper.setLinkNetem(NetemParameters(delayMs: delayMs)) }
        )
        apiReplace.append(
            try timeMicroseconds {
                try shaper.setLinkNetem(
                    NetemParameters(delayMs: changedMs, loss: .random(percent: 1))
                )
            }
        )
        try shaper.removeAll()
        // tc: the same two changes.
        tcApply.append(
            try timeMicroseconds {
                try spawn([
                    "tc", "qdisc", "add", "dev", "lo", "root", "handle", handle, "netem", "delay",
                    "\(Int(delayMs))ms",
                ])
            }
        )
        tcReplace.append(
            try timeMicroseconds {
                try spawn([
                    "tc", "qdisc", "replace", "dev", "lo", "root", "handle", handle, "netem",
                    "delay", "\(Int(changedMs))ms", "loss", "1%",
                ])
            }
        )
        try spawn(["tc", "qdisc", "del", "dev", "lo", "root"])
    }
    // Per-target replace (the harness's common case: change one replica's netem).
    try shaper.setTargetNetem(
        NetemParameters(delayMs: 1),
        target: target,
        matching: [.destinationPort(2380)]
    )
    for round in 0..<rounds {
        let delayMs = Double(10 + round % 20)
        apiTarget.append(
            try timeMicroseconds {
                try shaper.setTargetNetem(
                    NetemParameters(delayMs: delayMs),
                    target: target,
                    matching: [.destinationPort(2380)]
                )
            }
        )
        tcTarget.append(
            try timeMicroseconds {
                try spawn([
                    "tc", "qdisc", "replace", "dev", "lo", "parent", targetClass, "handle",
                    targetHandle, "netem", "delay", "\(Int(delayMs))ms",
                ])
            }
        )
    }
    try shaper.removeAll()

    print(
        "| change (\(rounds) rounds, interleaved) | Netem API p50 | p90 | `tc` p50 | p90 | tc / API (p50) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for (name, api, tc) in [
        ("apply netem as root qdisc", apiApply, tcApply),
        ("replace root netem in place", apiReplace, tcReplace),
        ("replace one target's netem (HTB class)", apiTarget, tcTarget),
    ] {
        let ratio = percentile(tc, 0.5) / percentile(api, 0.5)
        print(
            "| \(name) | \(format(percentile(api, 0.5))) | \(format(percentile(api, 0.9))) "
                + "| \(format(percentile(tc, 0.5))) | \(format(percentile(tc, 0.9))) "
                + "| \(Int(ratio.rounded()))× |"
        )
    }
}

do {
    try main()
} catch {
    print("netem-bench: \(error)")
    exit(1)
}
