// The local engine of `vortex sweep`: one `vortex run` child per seed on this machine, at most
// `jobs` at once (each run is already alone in its own namespaces, so runs side by side never
// collide). Children start through ProcessControl in a process group of their own (a terminal's
// Ctrl-C reaches the sweep only, which passes it on once) with SIGKILL as their death signal (if
// the sweep dies, every run dies with it, and with the run its namespaces). On SIGINT or SIGTERM
// the sweep starts nothing more and sends SIGINT to every running child: each stops in order as
// an interrupted `vortex run` does and exits 143; a second signal kills them. sweep.json is
// rewritten whenever a seed starts or ends.

import Foundation
import ProcessControl
import Synchronization

/// Runs a sweep's seeds as child processes.
final class LocalSweep: Sendable {
    private struct State {
        var running: [UInt64: ChildProcess] = [:]
        var signalsReceived = 0
    }
    private let session: SweepSession
    private let state = Mutex(State())

    init(session: SweepSession) {
        self.session = session
    }

    private var configuration: SweepConfiguration { session.configuration }

    /// Whether a termination signal came.
    private var isInterrupted: Bool { state.withLock { $0.signalsReceived > 0 } }

    /// Runs every seed (or until a signal); returns the sweep's outcome.
    func run(signals: SignalWatcher?) async -> SweepOutcome {
        let interrupter = Task { [self] in
            guard let signals else { return }
            for await signal in signals.signals {
                interrupt(signal)
            }
        }
        defer { interrupter.cancel() }
        let seeds = configuration.seeds.seeds
        await withTaskGroup(of: SweepRunRecord?.self) { group in
            var next = 0
            func startNext() {
                guard next < seeds.count, !isInterrupted else { return }
                let seed = seeds[next]
                next += 1
                group.addTask { await self.runSeed(seed) }
            }
            for _ in 0..<configuration.jobs { startNext() }
            // Bounded: one turn per seed started.
            while let finished = await group.next() {
                if let record = finished { session.finished(record) }
                startNext()
            }
        }
        return session.finish(interrupted: isInterrupted)
    }

    /// Passes the first signal on as SIGINT to every running child; kills them on the second.
    private func interrupt(_ signal: Signal) {
        let (children, count) = state.withLock { state in
            state.signalsReceived += 1
            return (Array(state.running.values), state.signalsReceived)
        }
        session.console.line(
            count == 1
                ? "vortex sweep: \(signal): stopping \(children.count) running run(s) "
                    + "in order; nothing more starts (again to kill them)"
                : "vortex sweep: \(signal) again: killing the running runs"
        )
        for child in children {
            if count == 1 {
                try? child.signal(.interrupt)
            } else {
                try? child.kill()
            }
        }
    }

    /// Runs one seed to its end and returns its record (nil when it never started because a
    /// signal came first).
    private func runSeed(_ seed: UInt64) async -> SweepRunRecord? {
        let arguments = configuration.runCommandLine(seed: seed)
        var command = Command(arguments[0], arguments: Array(arguments.dropFirst()))
        let console = configuration.consoleFile(seed: seed)
        command.standardInput = .null
        command.standardOutput = .file(console, append: true)
        command.standardError = .file(console, append: true)
        command.processGroup = .newGroup
        command.deathSignal = .kill
        let child: ChildProcess
        do {
            child = try command.spawn()
        } catch {
            var record = session.current[seed: seed] ?? SweepRunRecord(seed: seed, reproduce: "")
            record.status = .finished
            record.verdict = RunOutcome.Verdict.fail.rawValue
            record.reason = RunOutcome.internalError.description
            record.message = "the run could not start: \(error)"
            return record
        }
        let lateSignal = state.withLock { state in
            state.running[seed] = child
            return state.signalsReceived
        }
        // A signal that came between the spawn and the line above reaches this child here.
        if lateSignal == 1 { try? child.signal(.interrupt) }
        if lateSignal > 1 { try? child.kill() }
        session.update(seed: seed) { $0.status = .running }
        let termination = await child.wait()
        state.withLock { _ = $0.running.removeValue(forKey: seed) }
        guard let record = session.current[seed: seed] else { return nil }
        let ending: SweepRunCollector.ProcessEnding =
            switch termination {
            case .exited(let status): .exited(status)
            case .signaled(let signal, _): .killed("\(signal)")
            }
        return SweepRunCollector.collect(
            seed: seed,
            ending: ending,
            configuration: configuration,
            record: record
        )
    }
}
