// The workload child of a register run (docs/workload.md, "The register workload"): one driver
// process per client (`<driver command> <cluster> <addresses>`, stderr appended to driver.log),
// each client running its seeded operations one at a time and recording every invocation and
// completion in history.jsonl. A reply later than --request-timeout makes the operation `info`
// and replaces the client's driver with a new process (a new process number in the history, as
// Jepsen does), because the old one might still apply the request. Retired keys are checked in
// the background; a key that is not linearizable fails the run (13, `not-linearizable`) and
// draws anomaly.html. At the end the drivers get SIGTERM and every key not yet checked is.

import Foundation
import Linearizability
import ProcessControl
import Supervision
import Workload

extension ClusterRun {
    /// How long the checks of the keys left at the end of a run may take in all.
    static let finalCheckTimeLimit = Duration.seconds(10)
    /// How long a driver may take to end after SIGTERM.
    static let registerDriverGracePeriod = Duration.seconds(5)
    /// How often a client held back by the pacing looks again.
    static let epochWaitInterval = Duration.milliseconds(5)

    func runRegisterWorkload(_ context: ChildContext) async throws {
        guard let options = configuration.register else {
            preconditionFailure("a register run has register options")
        }
        let output = configuration.outputDirectory
        let violations = RegisterViolations(pagePath: "\(output)/anomaly.html")
        let checker = RegisterCheckQueue { [self] check, operations in
            switch check.verdict {
            case .linearizable:
                return
            case .unknown:
                log.log(
                    .warning,
                    "check",
                    "register key \(check.key): undecided (\(check.unknownReason ?? "limit reached"))"
                )
            case .notLinearizable:
                fail(.notLinearizable, violations.record(check, operations: operations))
            }
        }
        let recorder: RegisterRecorder
        do {
            recorder = try RegisterRecorder(
                path: "\(output)/history.jsonl",
                clock: clock,
                clients: options.clients,
                shape: RegisterWorkloadShape(),
                checker: checker
            )
        } catch {
            fail(.internalError, "workload: \(error)")
            return
        }
        log.log(
            .info,
            "workload",
            "register: \(options.clients) clients, driver: "
                + registerDriverCommand(process: 0).arguments.joined(separator: " ")
        )
        var drivers: [RegisterDriver] = []
        for client in 0..<options.clients {
            do throws(RegisterDriverError) {
                drivers.append(try startRegisterDriver(process: client))
            } catch {
                for driver in drivers { await driver.kill() }
                fail(error.outcome, "workload: \(error); check --driver-command")
                return
            }
        }
        trace.registerClients(options.clients)
        context.reportReady()
        // The clients stop when the run stops (this task is cancelled); each hands back its
        // current driver.
        let finalDrivers = await withTaskGroup(of: RegisterDriver.self) { group in
            for (client, driver) in drivers.enumerated() {
                group.addTask {
                    await self.runRegisterClient(
                        client,
                        driver: driver,
                        recorder: recorder,
                        options: options
                    )
                }
            }
            var finalDrivers: [RegisterDriver] = []
            for await driver in group { finalDrivers.append(driver) }
            return finalDrivers
        }
        // The end runs in a task of its own: the supervisor cancels this one to stop it, and
        // the drivers' grace period and the last checks must not be cut short by that.
        let end = Task {
            await self.finishRegisterDrivers(finalDrivers)
            recorder.finish()
            await checker.drain(deadline: .now + Self.finalCheckTimeLimit)
            self.publishRegisterTotals(
                recorder: recorder,
                checker: checker,
                violations: violations
            )
        }
        await end.value
    }

    /// One client: its operations, one at a time, until the run stops; returns its driver.
    private func runRegisterClient(
        _ client: Int,
        driver initialDriver: RegisterDriver,
        recorder: RegisterRecorder,
        options: RegisterOptions
    ) async -> RegisterDriver {
        var driver = initialDriver
        var process = client
        var generator = RegisterGenerator(
            workloadSeed: seeds.workload,
            client: client,
            shape: recorder.shape
        )
        defer { progress.clientStopped(client) }
        // Bounded by the run: it ends when the run stops or a failure decides it.
        while !isStopping && !Task.isCancelled {
            let planned = generator.next()
            // Bounded by the other clients' and the checker's progress, or the run's end.
            while !recorder.mayEnter(client: client, epoch: planned.epoch) {
                if isStopping || Task.isCancelled { return driver }
                try? await Task.sleep(for: Self.epochWaitInterval)
            }
            recorder.enter(client: client, epoch: planned.epoch)
            let invocation = recorder.invoke(process: process, planned)
            progress.clientRequestBegan(client, at: invocation.start)
            do throws(RegisterDriverError) {
                let line = try await driver.exchange(
                    RegisterProtocol.requestLine(key: planned.key, call: planned.call),
                    timeout: options.requestTimeout
                )
                let reply: RegisterReply
                do {
                    reply = try RegisterProtocol.parseReply(line, for: planned.call)
                } catch {
                    throw RegisterDriverError.replyInvalid(error.description)
                }
                finished(client, invocation, reply.type, recorder: recorder) {
                    recorder.complete(
                        invocation,
                        reply.type,
                        value: reply.value,
                        error: reply.error
                    )
                }
            } catch {
                if isStopping || Task.isCancelled {
                    recorder.complete(invocation, .info, error: "the run ended before the reply")
                    return driver
                }
                guard case .timedOut = error else {
                    finished(client, invocation, .info, recorder: recorder) {
                        recorder.complete(invocation, .info, error: error.description)
                    }
                    fail(error.outcome, "workload: client \(client) (process \(process)): \(error)")
                    return driver
                }
                finished(client, invocation, .info, recorder: recorder) {
                    recorder.complete(
                        invocation,
                        .info,
                        error: "\(error); vortex killed the driver (process \(process))"
                    )
                }
                await driver.kill()
                recorder.driverReplaced()
                let replaced = process
                process += options.clients
                log.log(
                    .info,
                    "workload",
                    "client \(client): process \(replaced) gave no reply within "
                        + "\(DurationSyntax.format(options.requestTimeout)) (key \(planned.key)); "
                        + "killed it, process \(process) takes over"
                )
                do throws(RegisterDriverError) {
                    driver = try startRegisterDriver(process: process)
                } catch {
                    fail(error.outcome, "workload: client \(client): \(error)")
                    return driver
                }
            }
        }
        return driver
    }

    /// Records a completion (through `complete`) for liveness, latency and the trace.
    private func finished(
        _ client: Int,
        _ invocation: RegisterInvocation,
        _ outcome: EventType,
        recorder: RegisterRecorder,
        complete: () -> ContinuousClock.Instant
    ) {
        let end = complete()
        progress.clientRequestFinished(
            client,
            command: invocation.call.function.rawValue,
            FinishedRequest(startMonotonic: invocation.start, endMonotonic: end),
            progressed: outcome == .ok
        )
        trace.registerOperation(client: client, invocation, outcome: outcome, end: end)
    }

    /// The driver command of client process `process`.
    private func registerDriverCommand(process: Int) -> DriverCommand {
        DriverCommand(
            tokens: configuration.driverCommand.expand { values.value($0, replica: nil) },
            cluster: UInt128(configuration.target.cluster),
            addresses: [values.layout.driverAddresses(configuration.target.driver.addressesPort)],
            standardError: .file("\(configuration.outputDirectory)/driver.log", append: true)
        )
    }

    private func startRegisterDriver(process: Int) throws(RegisterDriverError) -> RegisterDriver {
        let driver = try RegisterDriver(command: registerDriverCommand(process: process))
        log.log(.debug, "workload", "process \(process): driver pid \(driver.process.pid)")
        return driver
    }

    /// Ends every driver: SIGTERM after a pass so far (a wrong end status fails the run, 11),
    /// SIGKILL after a failure.
    private func finishRegisterDrivers(_ drivers: [RegisterDriver]) async {
        if verdict.hasFailed {
            for driver in drivers { await driver.kill() }
            return
        }
        let failures = await withTaskGroup(of: RegisterDriverError?.self) { group in
            for driver in drivers {
                group.addTask {
                    do throws(RegisterDriverError) {
                        try await driver.finish(gracePeriod: Self.registerDriverGracePeriod)
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            var failures: [RegisterDriverError] = []
            for await failure in group {
                if let failure { failures.append(failure) }
            }
            return failures
        }
        for failure in failures where verdict.fail(failure.outcome, "workload: \(failure)") {
            log.log(.error, "workload", "\(failure)")
            trace.failure(failure.outcome, "\(failure)")
        }
    }

    private func publishRegisterTotals(
        recorder: RegisterRecorder,
        checker: RegisterCheckQueue,
        violations: RegisterViolations
    ) {
        let counts = recorder.counts
        let restarts = counts.driverRestarts
        let checks = checker.results
        progress.stopped(
            register: RegisterSummary(
                ok: counts.ok,
                fail: counts.fail,
                info: counts.info,
                keysChecked: checks.checked,
                keysUndecided: checks.undecided,
                keysNotLinearizable: checks.notLinearizable,
                driverRestarts: restarts,
                violations: violations.summaries
            )
        )
        log.log(
            .info,
            "workload",
            "register ok=\(counts.ok) fail=\(counts.fail) info=\(counts.info) "
                + "keys_checked=\(checks.checked) keys_undecided=\(checks.undecided) "
                + "keys_not_linearizable=\(checks.notLinearizable) driver_restarts=\(restarts) "
                + "history_lines=\(recorder.lineCount)"
        )
    }
}
