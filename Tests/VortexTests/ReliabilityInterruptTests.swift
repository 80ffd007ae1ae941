// Reliability: interrupting `vortex run` (3-replica etcd, proxy faults) with SIGINT, SIGTERM or
// SIGKILL at a random moment — during start-up, mid-run or during shutdown — leaves nothing
// behind: no process of the trial (etcd, driver, proxy, vortex), no host network namespace or
// loopback qdisc, no temporary file; the output directory is kept and its trace parses (closed
// for SIGINT/SIGTERM, closable with `]` for SIGKILL). `vortex proxy` is interrupted the same way
// while connections are open (ReliabilityProxyInterruptTests.swift).
//
// VORTEX_INTERRUPT_TRIALS sets the trials per signal and phase (default 1 here: 9 trials);
// scripts/reliability runs 7 per signal and phase (21 per signal) in its full mode.

import Foundation
import Testing
import VortexHarness
import Workload

/// When in a run the signal is sent.
enum InterruptPhase: String, CaseIterable, Sendable {
    /// Before the cluster is up: the relaunch, etcd starting.
    case startup
    /// While faults are injected and requests run.
    case midRun = "mid-run"
    /// While the run stops: after vortex.log says the shutdown began (the delay counts from
    /// there; the whole shutdown takes about 50-100 ms).
    case shutdown
}

/// One interrupted run.
struct InterruptTrial: Sendable, CustomStringConvertible {
    let signal: Int32
    let phase: InterruptPhase
    let delayMs: Int

    static let testDurationMs = 6_000

    var signalName: String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "SIGKILL"
        }
    }

    var description: String {
        "\(signalName) \(phase.rawValue) \(delayMs) ms after "
            + (phase == .shutdown ? "the shutdown began" : "the start")
    }

    /// The trials: `perCell` for each signal and phase, with delays drawn from `seed`.
    static func plan(perCell: Int, seed: UInt64) -> [InterruptTrial] {
        var generator = VortexRandom(seed: seed)
        var trials: [InterruptTrial] = []
        for signal in [SIGINT, SIGTERM, SIGKILL] {
            for phase in InterruptPhase.allCases {
                for _ in 0..<perCell {
                    let baseRange: ClosedRange<Int> =
                        switch phase {
                        case .startup: 0...1_000
                        case .midRun: 1_500...(testDurationMs - 500)
                        case .shutdown: 0...80
                        }
                    var range = baseRange
                    // Every other start-up trial lands in the relaunch (first 150 ms).
                    if phase == .startup && trials.count % 2 == 1 { range = 20...150 }
                    let delay = generator.uniform(in: range)
                    trials.append(InterruptTrial(signal: signal, phase: phase, delayMs: delay))
                }
            }
        }
        return trials
    }
}

/// What one trial found.
struct InterruptOutcome {
    var exit = ""
    var observed = ""
    var problems: [String] = []
    /// Milliseconds from the start to the moment the signal was sent (nil: not sent).
    var sentAfterMs: Int?
}

@Suite(.ownThread, .serialized)
struct ReliabilityInterruptTests {
    static let seed =
        UInt64(
            ProcessInfo.processInfo.environment["VORTEX_INTERRUPT_SEED"] ?? ""
        ) ?? 20_261_123

    @Test(.timeLimit(.minutes(30)))
    func interruptedRunsLeaveNothingBehind() async throws {
        let perCell = ReliabilityReport.count("VORTEX_INTERRUPT_TRIALS", default: 1)
        let trials = InterruptTrial.plan(perCell: perCell, seed: Self.seed)
        for trial in trials {
            let outcome = try await run(trial)
            ReliabilityReport.append(
                "interrupt-run.tsv",
                [
                    trial.signalName, trial.phase.rawValue, "\(trial.delayMs)", outcome.observed,
                    outcome.sentAfterMs.map { "sent at \($0) ms" } ?? "not sent", outcome.exit,
                    outcome.problems.isEmpty ? "ok" : outcome.problems.joined(separator: "; "),
                ]
            )
            #expect(outcome.problems.isEmpty, "\(trial): \(outcome.problems)")
        }
    }

    /// SIGTERM sent every 2 ms through the first 100 ms of a run (while vortex relaunches
    /// itself and the inner process starts) must end the run with 143 or the default action,
    /// never be lost (the inner process holds termination signals from before main until its
    /// watcher takes them).
    @Test(.timeLimit(.minutes(5)))
    func terminationDuringRelaunchIsNeverLost() async throws {
        var lost: [Int] = []
        for delayMs in stride(from: 0, through: 100, by: 2) {
            let directory = try TrialDirectory("early")
            defer { directory.remove() }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: HarnessCLI.executable)
            process.arguments = [
                "run", "--target", "etcd", "--faults", "proxy", "--replica-count", "3",
                "--test-duration", "2s", "--seed", "1", "--output", directory.output,
            ]
            process.environment = directory.environment()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            try await Task.sleep(for: .milliseconds(delayMs))
            kill(process.processIdentifier, SIGTERM)
            _ = try await waitForExit(process, timeout: .seconds(30))
            if process.terminationReason == .exit && process.terminationStatus == 0 {
                lost.append(delayMs)
            }
            let left = try await ProcessScan.waitForTrialProcessesToEnd(
                mentioning: directory.path,
                marker: directory.marker,
                pidNamespace: nil,
                timeout: .seconds(10)
            )
            #expect(left.isEmpty, "processes left after SIGTERM at \(delayMs) ms: \(left)")
            ProcessScan.kill(left)
        }
        ReliabilityReport.append("early-signal.tsv", ["SIGTERM", "\(lost.count)", "\(lost)"])
        #expect(lost.isEmpty, "SIGTERM lost at \(lost) ms: those runs went on and passed")
    }

    /// Starts a run, sends the signal after the trial's delay, and checks what is left.
    private func run(_ trial: InterruptTrial) async throws -> InterruptOutcome {
        let directory = try TrialDirectory("run")
        var outcome = InterruptOutcome()
        let hostBefore = HostNetworkState.read()
        let temporaryBefore = TemporarySnapshot.take()
        let process = directory.vortexProcess([
            "run", "--target", "etcd", "--faults", "proxy", "--replica-count", "3",
            "--test-duration", "\(InterruptTrial.testDurationMs)ms", "--seed", "\(trial.delayMs)",
            "--output", directory.output,
        ])
        let started = ContinuousClock.now
        try process.run()
        let outer = process.processIdentifier
        // Learn the inner process's pid namespace as soon as it exists.
        var namespace: String?
        let ownNamespace = ProcessScan.pidNamespace(of: getpid())
        var signalAt = started + .milliseconds(trial.delayMs)
        if trial.phase == .shutdown {
            signalAt = started + .milliseconds(InterruptTrial.testDurationMs + 10_000)
        }
        while ContinuousClock.now < signalAt && process.isRunning {
            if namespace == nil,
                let inner = ProcessScan.children(of: outer).first,
                let found = ProcessScan.pidNamespace(of: inner), found != ownNamespace
            {
                namespace = found
            }
            if trial.phase == .shutdown,
                directory.text(directory.output + "/vortex.log").contains("vortex shutdown began")
            {
                try await Task.sleep(for: .milliseconds(trial.delayMs))
                break
            }
            try await Task.sleep(for: .milliseconds(namespace == nil ? 5 : 10))
        }
        outcome.observed = observedPhase(
            directory,
            namespace: namespace,
            running: process.isRunning
        )
        if process.isRunning {
            kill(outer, trial.signal)
            let sent = ContinuousClock.now - started
            outcome.sentAfterMs =
                Int(sent.components.seconds * 1_000)
                + Int(sent.components.attoseconds / 1_000_000_000_000_000)
        }
        let exited = try await waitForExit(process, timeout: .seconds(60))
        if !exited {
            outcome.problems.append("vortex did not exit within 60 s of \(trial.signalName)")
            kill(outer, SIGKILL)
            _ = try await waitForExit(process, timeout: .seconds(10))
        }
        outcome.exit =
            process.terminationReason == .uncaughtSignal
            ? "signal \(process.terminationStatus)" : "exit \(process.terminationStatus)"
        checkExit(trial, process, directory, outcome: &outcome)
        let left = try await ProcessScan.waitForTrialProcessesToEnd(
            mentioning: directory.path,
            marker: directory.marker,
            pidNamespace: namespace,
            timeout: .seconds(10)
        )
        if !left.isEmpty {
            outcome.problems.append("processes left: \(left)")
            ProcessScan.kill(left)
        }
        checkOutput(trial, directory, process, outcome: &outcome)
        let stray = directory.strayTemporaryFiles()
        if !stray.isEmpty { outcome.problems.append("files left in TMPDIR: \(stray)") }
        let newTemporary = TemporarySnapshot.take().subtracting(temporaryBefore)
        if !newTemporary.isEmpty {
            outcome.problems.append(
                "new files in the temporary directory: \(newTemporary.sorted())"
            )
        }
        let hostAfter = HostNetworkState.read()
        if hostAfter != hostBefore {
            outcome.problems.append(
                "host network changed: before \(hostBefore), after \(hostAfter)"
            )
        }
        if outcome.problems.isEmpty {
            directory.remove()
        } else {
            outcome.problems.append("kept \(directory.path)")
        }
        return outcome
    }

    /// What the run was doing when signalled: etcd members up, summary written.
    private func observedPhase(
        _ directory: TrialDirectory,
        namespace: String?,
        running: Bool
    ) -> String {
        guard running else { return "exited" }
        let log = directory.text(directory.output + "/vortex.log")
        if log.contains("vortex shutdown completed") { return "shutdown-done" }
        if log.contains("vortex shutdown began") { return "shutting-down" }
        guard namespace != nil else { return "relaunching" }
        let members = ProcessScan.trialProcesses(
            mentioning: directory.output,
            marker: directory.marker,
            pidNamespace: namespace
        ).filter { $0.command.hasPrefix("etcd ") }.count
        return "etcd-up=\(members)"
    }

    /// SIGINT and SIGTERM end in 143 (or 0 when the run had already passed); SIGKILL kills.
    private func checkExit(
        _ trial: InterruptTrial,
        _ process: Process,
        _ directory: TrialDirectory,
        outcome: inout InterruptOutcome
    ) {
        let status = process.terminationStatus
        if outcome.observed == "exited" {
            // The run ended before the signal was due; no signal was sent.
            if process.terminationReason != .exit || status != 0 {
                outcome.problems.append("the run ended on its own with \(outcome.exit)")
            }
            return
        }
        if trial.signal == SIGKILL {
            // During the shutdown the run may end (and pass) before the signal lands.
            if trial.phase == .shutdown && process.terminationReason == .exit && status == 0 {
                return
            }
            if process.terminationReason != .uncaughtSignal || status != SIGKILL {
                outcome.problems.append("SIGKILL: expected death by signal 9, got \(outcome.exit)")
            }
            return
        }
        // Exit 0 after a signal is right only when the run was already stopping; earlier, it
        // means the signal was lost and the run went on to its verdict.
        let passedFirst =
            process.terminationReason == .exit && status == 0 && trial.phase == .shutdown
        if process.terminationReason == .exit && status == 0 && trial.phase != .shutdown {
            // Right only when the run had passed before the signal came (a loaded machine can
            // hold a trial's signal back for seconds); vortex acknowledges every signal.
            let errors = directory.text(directory.standardError)
            if !errors.contains("after the run passed; it ends with that verdict") {
                outcome.problems.append(
                    "\(trial.signalName) sent \(outcome.sentAfterMs ?? -1) ms after the start "
                        + "was lost: the run went on and passed"
                )
            }
            return
        }
        let interrupted = process.terminationReason == .exit && status == 143
        // Before vortex installs its handlers (the first milliseconds) the default action runs.
        let beforeHandlers =
            process.terminationReason == .uncaughtSignal && status == trial.signal
            && outcome.observed == "relaunching"
        if !(passedFirst || interrupted || beforeHandlers) {
            outcome.problems.append(
                "\(trial.signalName): expected exit 143 (or 0 after a pass), got \(outcome.exit)"
            )
        }
    }

    /// The output directory of an interrupted run is kept, with a trace that parses.
    private func checkOutput(
        _ trial: InterruptTrial,
        _ directory: TrialDirectory,
        _ process: Process,
        outcome: inout InterruptOutcome
    ) {
        let passed = process.terminationReason == .exit && process.terminationStatus == 0
        let exists = FileManager.default.fileExists(atPath: directory.output)
        if passed {
            if exists {
                outcome.problems.append("a passed run kept its output without --keep-output")
            }
            return
        }
        // A signal before the inner process made the directory leaves none: nothing to keep.
        guard exists else {
            if outcome.observed.hasPrefix("etcd-up=") && outcome.observed != "etcd-up=0" {
                outcome.problems.append("output directory removed after an interrupted run")
            }
            return
        }
        let trace = TraceState.read(directory.output + "/trace.json")
        outcome.observed += " trace=\(trace.rawValue)"
        switch (trial.signal, trace) {
        case (_, .unparseable):
            outcome.problems.append("trace.json does not parse, even closed with ]")
        case (SIGKILL, _), (_, .closed):
            break
        case (_, .missing):
            // Interrupted before the trace was created (right after the directory).
            break
        case (_, .parsesOnceClosed):
            outcome.problems.append("\(trial.signalName): trace.json was left open (no closing ])")
        }
        if trial.signal != SIGKILL && trace == .closed
            && !FileManager.default.fileExists(atPath: directory.output + "/summary.json")
        {
            outcome.problems.append("\(trial.signalName): no summary.json after an interrupted run")
        }
    }

    private func waitForExit(_ process: Process, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}
