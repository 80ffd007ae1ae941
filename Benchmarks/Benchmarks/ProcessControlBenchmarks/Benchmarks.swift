// ProcessControlBenchmarks: the cost of ProcessControl's spawn/reap, kill→reaped and
// stop→observed paths, each next to a baseline measured in the same run: raw posix_spawn +
// blocking waitpid/kill from Swift (the floor), and Foundation's Process + waitUntilExit (what
// Swift programs reach for first; it polls every 50 ms).
//
//   swift package --package-path Benchmarks benchmark --target ProcessControlBenchmarks

import Benchmark
import Foundation
import ProcessControl

#if canImport(Glibc)
import Glibc
#endif

/// posix_spawn of `path` with `arguments`; the baseline's own spawn.
private func rawSpawn(_ path: String, _ arguments: [String]) -> pid_t {
    var pid: pid_t = 0
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer {
        for argument in argv { free(argument) }
    }
    let result = posix_spawn(&pid, path, nil, nil, argv, environ)
    precondition(result == 0, "posix_spawn failed: \(result)")
    return pid
}

private func rawWait(_ pid: pid_t, options: Int32 = 0) {
    var status: Int32 = 0
    while waitpid(pid, &status, options) < 0 && errno == EINTR {}
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 5,
        maxDuration: .seconds(4),
        maxIterations: 2000
    )

    Benchmark("spawn+wait /bin/true: ProcessControl") { _ in
        let child = try Command("/bin/true").spawn()
        _ = await child.wait()
    }
    Benchmark("spawn+wait /bin/true: raw posix_spawn+waitpid (baseline)") { _ in
        rawWait(rawSpawn("/bin/true", []))
    }
    Benchmark(
        "spawn+wait /bin/true: Foundation Process.waitUntilExit (baseline)",
        configuration: .init(maxDuration: .seconds(4), maxIterations: 40)
    ) { _ in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
    }

    Benchmark("SIGKILL→reaped: ProcessControl") { benchmark in
        let child = try Command("/bin/sleep", arguments: ["100"]).spawn()
        benchmark.startMeasurement()
        try child.kill()
        _ = await child.wait()
        benchmark.stopMeasurement()
    }
    Benchmark("SIGKILL→reaped: raw kill+waitpid (baseline)") { benchmark in
        let pid = rawSpawn("/bin/sleep", ["100"])
        benchmark.startMeasurement()
        kill(pid, SIGKILL)
        rawWait(pid)
        benchmark.stopMeasurement()
    }

    Benchmark(
        "SIGKILL→reaped: Foundation Process.waitUntilExit (baseline)",
        configuration: .init(maxDuration: .seconds(4), maxIterations: 200)
    ) { benchmark in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["100"]
        try process.run()
        benchmark.startMeasurement()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        benchmark.stopMeasurement()
    }

    Benchmark("SIGSTOP→observed stopped: ProcessControl") { benchmark in
        let child = try Command("/bin/sleep", arguments: ["100"]).spawn()
        benchmark.startMeasurement()
        try child.suspend()
        benchmark.stopMeasurement()
        try child.kill()
        _ = await child.wait()
    }
    Benchmark("SIGSTOP→observed stopped: raw kill+waitpid(WUNTRACED) (baseline)") { benchmark in
        let pid = rawSpawn("/bin/sleep", ["100"])
        benchmark.startMeasurement()
        kill(pid, SIGSTOP)
        rawWait(pid, options: WUNTRACED)
        benchmark.stopMeasurement()
        kill(pid, SIGKILL)
        rawWait(pid)
    }
}
