// Running supervisors for SupervisionBenchmarks: one with a task child the benchmark can crash
// at will, one with an OS-process child it can SIGKILL, and the bookkeeping that lets a
// benchmark iteration wait for "the replacement is running" without polling.

import Glibc
import ProcessControl
import Supervision
import Synchronization

/// Counts arrivals (a child generation running) and lets a task wait for the n-th one.
final class Arrivals: Sendable {
    private struct State {
        var count = 0
        var processID: Int32 = 0
        var waiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    var count: Int { state.withLock { $0.count } }
    var processID: Int32 { state.withLock { $0.processID } }

    func noteProcess(_ processID: Int32) {
        state.withLock { $0.processID = processID }
    }

    func arrive() {
        let due: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.count += 1
            let count = state.count
            let due = state.waiters.filter { $0.target <= count }.map(\.continuation)
            state.waiters.removeAll { $0.target <= count }
            return due
        }
        for continuation in due { continuation.resume() }
    }

    func wait(until target: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if state.count >= target { return true }
                state.waiters.append((target, continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }
}

/// A task child's body parks here until the benchmark makes it throw.
final class CrashSwitch: Sendable {
    struct Crash: Error {}

    private struct State {
        var parked: CheckedContinuation<Void, any Error>?
        var pending = false
    }

    private let state = Mutex(State())

    func park() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Void, any Error>) in
                let crashNow = state.withLock { state in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.parked = continuation
                    return false
                }
                if crashNow { continuation.resume(throwing: Crash()) }
            }
        } onCancel: {
            let parked = state.withLock { state in
                defer { state.parked = nil }
                return state.parked
            }
            parked?.resume(throwing: CancellationError())
        }
    }

    func crash() {
        let parked: CheckedContinuation<Void, any Error>? = state.withLock { state in
            if let parked = state.parked {
                state.parked = nil
                return parked
            }
            state.pending = true
            return nil
        }
        parked?.resume(throwing: Crash())
    }
}

/// A supervisor running in the background until `stop()`.
final class RunningSupervisor: Sendable {
    let supervisor: Supervisor
    private let run: Task<Void, Never>

    /// Runs `supervisor` (subscribe to its events first if needed) until it is ready.
    init(_ supervisor: Supervisor) async throws {
        self.supervisor = supervisor
        run = Task { try? await supervisor.run() }
        try await supervisor.waitUntilReady()
    }

    func stop() async {
        supervisor.shutdown()
        await run.value
    }
}

/// OTP-like settings for the restart benchmarks: a restart limit that never trips.
private func restartBenchSpec(_ child: ChildSpec) -> SupervisorSpec {
    SupervisorSpec(name: "bench", intensity: 1_000_000_000, period: .seconds(1), children: [child])
}

/// A one-for-one supervisor with one permanent task child that reports each start.
final class TaskRestartFixture: Sendable {
    let arrivals = Arrivals()
    let crashSwitch = CrashSwitch()
    private let running = Mutex<RunningSupervisor?>(nil)

    func start() async throws {
        let (arrivals, crashSwitch) = (arrivals, crashSwitch)
        let child = ChildSpec.task("worker") { _ in
            arrivals.arrive()
            try await crashSwitch.park()
        }
        let supervisor = try await RunningSupervisor(Supervisor(restartBenchSpec(child)))
        running.withLock { $0 = supervisor }
    }

    /// Crashes the child; returns once its replacement's body is running.
    func crashAndAwaitReplacement() async {
        let target = arrivals.count + 1
        crashSwitch.crash()
        await arrivals.wait(until: target)
    }

    func stop() async {
        let supervisor = running.withLock { state in
            defer { state = nil }
            return state
        }
        await supervisor?.stop()
    }
}

/// A one-for-one supervisor with one permanent /bin/sleep child; readiness is observed the way
/// the harness observes it, through the event stream.
final class ProcessRestartFixture: Sendable {
    let arrivals = Arrivals()
    private let running = Mutex<RunningSupervisor?>(nil)
    private let listener = Mutex<Task<Void, Never>?>(nil)

    func start() async throws {
        let child = ChildSpec.process(
            "worker",
            command: Command("/bin/sleep", arguments: ["1000"])
        )
        let spec = restartBenchSpec(child)
        let supervisor = Supervisor(spec)
        let events = supervisor.events()
        let arrivals = arrivals
        listener.withLock {
            $0 = Task {
                for await event in events where event.path.id == "worker" {
                    switch event.kind {
                    case .started(let processID?): arrivals.noteProcess(processID)
                    case .ready: arrivals.arrive()
                    default: break
                    }
                }
            }
        }
        let runningSupervisor = try await RunningSupervisor(supervisor)
        running.withLock { $0 = runningSupervisor }
    }

    /// SIGKILLs the child; returns once the supervisor reported its replacement ready.
    func killAndAwaitReplacement() async {
        let target = arrivals.count + 1
        _ = Glibc.kill(arrivals.processID, SIGKILL)
        await arrivals.wait(until: target)
    }

    func stop() async {
        let supervisor = running.withLock { state in
            defer { state = nil }
            return state
        }
        await supervisor?.stop()
        let listenerTask = listener.withLock { state in
            defer { state = nil }
            return state
        }
        await listenerTask?.value
    }
}

/// A one-for-one supervisor whose permanent child is /bin/true: it exits at once and is
/// restarted at once, so the time between consecutive `exited` events (timestamps from the
/// supervisor's own clock) is one full restart cycle: spawn, exec, exit, reap, restart decision.
/// That is the work of spawn+wait of /bin/true plus what supervision adds.
enum ProcessCycle {
    /// The durations of `count` consecutive restart cycles.
    static func measure(count: Int) async throws -> [Duration] {
        precondition(count > 0, "measure at least one cycle")
        let child = ChildSpec.process("worker", command: Command("/bin/true"))
        let supervisor = Supervisor(restartBenchSpec(child))
        let events = supervisor.events()
        let collector = Task {
            var exits: [Duration] = []
            for await event in events where event.path.id == "worker" {
                if case .exited = event.kind {
                    exits.append(event.timestamp)
                    if exits.count == count + 1 { break }
                }
            }
            return exits
        }
        let running = try await RunningSupervisor(supervisor)
        let exits = await collector.value
        await running.stop()
        return zip(exits.dropFirst(), exits).map { $0 - $1 }
    }
}

/// The floor for a task restart: a parked task resumed by the benchmark resumes it back (two
/// task switches; a restart needs four: crash, supervisor, new task, report).
final class PingPongFixture: Sendable {
    private let pongs = Arrivals()
    private let crashSwitch = CrashSwitch()
    private let partner = Mutex<Task<Void, Never>?>(nil)

    func start() {
        let (pongs, crashSwitch) = (pongs, crashSwitch)
        partner.withLock {
            $0 = Task {
                // Bounded by cancellation in stop().
                while !Task.isCancelled {
                    pongs.arrive()
                    do {
                        try await crashSwitch.park()
                    } catch is CancellationError {
                        return
                    } catch {
                        continue
                    }
                }
            }
        }
    }

    func pingPong() async {
        let target = pongs.count + 1
        crashSwitch.crash()
        await pongs.wait(until: target)
    }

    func stop() async {
        let task = partner.withLock { state in
            defer { state = nil }
            return state
        }
        task?.cancel()
        await task?.value
    }
}
