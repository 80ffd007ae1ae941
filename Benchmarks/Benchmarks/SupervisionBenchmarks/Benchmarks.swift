// SupervisionBenchmarks: what supervision costs, next to baselines measured in the same run.
// - crash → replacement running, for a task child and for an OS-process child (SIGKILL → the
//   supervisor reports the new process ready on its event stream);
// - one full restart cycle of a /bin/true child (exit → reap → restart → spawn → exit), next to
//   the raw cost of ProcessControl spawn + wait of /bin/true: the difference is what
//   supervision adds to a process restart;
// - a task ping-pong (two task switches), the floor under a task restart (four switches);
// - start-up and shutdown of a supervisor with 1000 task children;
// - Erlang/OTP's supervisor restarting a crashing worker (Benchmarks/erlang/
//   supervisor_restart.escript, run by this benchmark; its samples become a custom metric),
//   once with one long-lived supervisor and once with a fresh supervisor every 200 restarts.
//
//   swift package --package-path Benchmarks benchmark --target SupervisionBenchmarks
// Figures: docs/benchmarks.md, section "Supervision".

import Benchmark
import ProcessControl
import Supervision

private let taskRestart = TaskRestartFixture()
private let processRestart = ProcessRestartFixture()
private let pingPong = PingPongFixture()

/// Benchmarks/erlang/supervisor_restart.escript, found from this file's own path.
private let escriptPath: String = {
    var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    components.removeLast(3)  // Benchmarks/SupervisionBenchmarks/Benchmarks.swift
    return components.joined(separator: "/") + "/erlang/supervisor_restart.escript"
}()

/// Runs the OTP escript and records each of its samples (ns) as the custom metric.
private func measureOTP(
    _ benchmark: Benchmark,
    metric: BenchmarkMetric,
    arguments: [String]
) async throws {
    var command = Command("escript", arguments: [escriptPath] + arguments)
    command.standardOutput = .pipe
    let escript: ChildProcess
    do {
        escript = try command.spawn()
    } catch {
        let hint = "install Erlang/OTP with apt-get install -y erlang-base"
        benchmark.error("cannot run escript: \(error); \(hint)")
        return
    }
    guard let output = escript.standardOutput else { return }
    var samples = 0
    for try await line in output.lines() {
        if line.hasPrefix("sample_ns "), let nanoseconds = Int(line.dropFirst(10)) {
            benchmark.measurement(metric, nanoseconds)
            samples += 1
        } else if line.hasPrefix("otp_release") {
            print("escript: \(line)")
        }
    }
    let termination = await escript.wait()
    if termination != .exited(0) || samples == 0 {
        benchmark.error("escript \(escriptPath) failed: \(termination), \(samples) samples")
    }
}

/// A supervisor spec with `count` task children that sleep until cancelled.
private func manyTasks(_ count: Int) -> SupervisorSpec {
    SupervisorSpec(
        name: "many",
        children: (0..<count).map { index in
            ChildSpec.task("task-\(index)") { _ in try await Task.sleep(for: .seconds(3600)) }
        }
    )
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock],
        timeUnits: .microseconds,
        warmupIterations: 100,
        maxDuration: .seconds(5),
        maxIterations: 10_000
    )

    Benchmark(
        "restart: task child, crash → replacement running",
        configuration: .init(
            timeUnits: .nanoseconds,
            setup: { try await taskRestart.start() },
            teardown: { await taskRestart.stop() }
        )
    ) { _ in
        await taskRestart.crashAndAwaitReplacement()
    }

    Benchmark(
        "restart: OTP supervisor, crash → replacement running (one supervisor, escript)",
        configuration: .init(
            metrics: [.custom("OTP restart (ns)", useScalingFactor: false)],
            warmupIterations: 0,
            maxIterations: 1
        )
    ) { benchmark in
        try await measureOTP(
            benchmark,
            metric: .custom("OTP restart (ns)", useScalingFactor: false),
            arguments: ["10000"]
        )
    }

    Benchmark(
        "restart: OTP supervisor, crash → replacement running (fresh every 200, escript)",
        configuration: .init(
            metrics: [.custom("OTP restart, fresh (ns)", useScalingFactor: false)],
            warmupIterations: 0,
            maxIterations: 1
        )
    ) { benchmark in
        try await measureOTP(
            benchmark,
            metric: .custom("OTP restart, fresh (ns)", useScalingFactor: false),
            arguments: ["10000", "200"]
        )
    }

    Benchmark(
        "restart: process child, SIGKILL → replacement ready",
        configuration: .init(
            warmupIterations: 20,
            maxIterations: 2_000,
            setup: { try await processRestart.start() },
            teardown: { await processRestart.stop() }
        )
    ) { _ in
        await processRestart.killAndAwaitReplacement()
    }

    Benchmark(
        "restart: process child /bin/true, one restart cycle (exit → next exit)",
        configuration: .init(
            metrics: [.custom("restart cycle (ns)", useScalingFactor: false)],
            warmupIterations: 0,
            maxIterations: 1
        )
    ) { benchmark in
        for cycle in try await ProcessCycle.measure(count: 2_000).dropFirst(20) {
            let (seconds, attoseconds) = cycle.components
            benchmark.measurement(
                .custom("restart cycle (ns)", useScalingFactor: false),
                Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
            )
        }
    }

    Benchmark(
        "task ping-pong: two task switches (floor for a task restart)",
        configuration: .init(
            timeUnits: .nanoseconds,
            setup: { pingPong.start() },
            teardown: { await pingPong.stop() }
        )
    ) { _ in
        await pingPong.pingPong()
    }

    Benchmark(
        "spawn+wait /bin/true: ProcessControl (baseline)",
        configuration: .init(warmupIterations: 20, maxIterations: 2_000)
    ) { _ in
        let child = try Command("/bin/true").spawn()
        _ = await child.wait()
    }

    Benchmark(
        "start 1000 task children (each ready before the next)",
        configuration: .init(timeUnits: .milliseconds, warmupIterations: 2, maxIterations: 30)
    ) { benchmark in
        let supervisor = Supervisor(manyTasks(1_000))
        let run = Task { try? await supervisor.run() }
        try await supervisor.waitUntilReady()
        benchmark.stopMeasurement()
        supervisor.shutdown()
        await run.value
    }

    Benchmark(
        "shutdown of a supervisor with 1000 task children",
        configuration: .init(timeUnits: .milliseconds, warmupIterations: 2, maxIterations: 30)
    ) { benchmark in
        let supervisor = Supervisor(manyTasks(1_000))
        let run = Task { try? await supervisor.run() }
        try await supervisor.waitUntilReady()
        benchmark.startMeasurement()
        supervisor.shutdown()
        await run.value
        benchmark.stopMeasurement()
    }
}
