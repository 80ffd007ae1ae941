// Driver handle tests with real processes: small Python drivers under Fixtures/ that answer
// correctly (an in-memory ledger, also the end-to-end test of generator + model + handle) or
// misbehave in one specific way each. Every misbehaviour must become the right typed error and
// exit code, never a crash or a hang, and every driver is ended before the test returns.

import Testing
import Workload

/// The Fixtures folder next to this file.
let fixturesDirectory: String = {
    let file = #filePath
    guard let slash = file.lastIndex(of: "/") else { return "Fixtures" }
    return String(file[..<slash]) + "/Fixtures"
}()

func fixtureCommand(_ script: String, _ options: [String] = []) -> DriverCommand {
    DriverCommand(
        tokens: ["python3", "\(fixturesDirectory)/\(script)"] + options,
        cluster: 0,
        addresses: ["3001", "3002", "3003"]
    )
}

/// Sends `request` and returns the driver error (nil if the reply came back fine).
func sendError(
    _ handle: DriverHandle,
    _ request: DriverRequest,
    timeout: Duration = .seconds(20)
) async -> DriverError? {
    do {
        _ = try await handle.send(request, timeout: timeout)
        return nil
    } catch {
        return error
    }
}

func finishError(_ handle: DriverHandle, gracePeriod: Duration = .seconds(5)) async -> DriverError?
{
    do {
        try await handle.finish(gracePeriod: gracePeriod)
        return nil
    } catch {
        return error
    }
}

@Suite(.serialized, .timeLimit(.minutes(3))) struct DriverHandleTests {
    static let twoAccounts = DriverRequest.createAccounts([
        Account(id: 1, ledger: 1, code: 1), Account(id: 2, ledger: 1, code: 1),
    ])

    @Test func commandLineIsTheOriginals() throws {
        let command = try DriverCommand(commandLine: "java -jar driver.jar", addresses: ["1", "2"])
        #expect(command.arguments == ["java", "-jar", "driver.jar", "0", "1,2"])
        #expect(throws: DriverCommandError.self) {
            try DriverCommand(commandLine: "sh -c \"x\"", addresses: [])
        }
        #expect(throws: DriverCommandError.self) {
            try DriverCommand(commandLine: "", addresses: [])
        }
    }

    @Test func missingExecutableIsAStartFailure() {
        let command = DriverCommand(tokens: ["/no/such/driver"], addresses: ["1"])
        #expect(throws: DriverError.self) { try DriverHandle(command: command) }
        do {
            _ = try DriverHandle(command: command)
        } catch {
            #expect(error.kind == .driverStartFailed)
        }
    }

    @Test func ledgerDriverEndToEnd() async throws {
        let handle = try DriverHandle(command: fixtureCommand("ledger_driver.py"))
        let runner = WorkloadRunner(
            seed: 2026,
            configuration: WorkloadConfiguration(maximumEventsPerRequest: 256, maximumAccounts: 20),
            driver: handle,
            requestTimeout: .seconds(30)
        )
        var records: [ProgressRecord] = []
        do {
            for _ in 0..<150 { records.append(try await runner.step()) }
        } catch {
            await handle.kill()
            Issue.record("the workload failed: \(error)")
            return
        }
        let finished = await runner.requestsFinished
        #expect(Set(finished.keys) == Set(WorkloadCommand.allCases))
        #expect(records.allSatisfy { $0.endMonotonic >= $0.startMonotonic })
        #expect(await runner.inFlight == nil)
        // Thousands of transfers, including invalid events whose statuses the Python ledger
        // computed independently of the model.
        #expect(await runner.model.transfersCreated > 1_000)
        #expect(await finishError(handle) == nil)
    }

    @Test func workloadWithNothingToDoStopsCleanly() async throws {
        let handle = try DriverHandle(command: fixtureCommand("ledger_driver.py"))
        let runner = WorkloadRunner(
            seed: 1,
            configuration: WorkloadConfiguration(weights: CommandWeights(createAccounts: 0)),
            driver: handle
        )
        for _ in 0..<2 {
            do {
                _ = try await runner.step()
                Issue.record("a workload without create_accounts has nothing to send")
            } catch {
                #expect(error == .noPossibleCommand)
                #expect(error.kind == .noPossibleCommand)
            }
        }
        #expect(await finishError(handle) == nil)
    }

    @Test func ledgerDriverSparse() async throws {
        let handle = try DriverHandle(command: fixtureCommand("ledger_driver.py"))
        let runner = WorkloadRunner(
            seed: 7,
            configuration: WorkloadConfiguration(maximumEventsPerRequest: 128, sparseCreates: true),
            driver: handle
        )
        do {
            for _ in 0..<60 { _ = try await runner.step() }
        } catch {
            await handle.kill()
            Issue.record("the workload failed: \(error)")
            return
        }
        #expect(await runner.model.transfersCreated > 0)
        #expect(await finishError(handle) == nil)
    }

    @Test func lossyLedgerFailsReconciliation() async throws {
        let handle = try DriverHandle(
            command: fixtureCommand("ledger_driver.py", ["--lose-every=50"])
        )
        let runner = WorkloadRunner(
            seed: 11,
            configuration: WorkloadConfiguration(maximumEventsPerRequest: 256),
            driver: handle
        )
        var failure: WorkloadError?
        for _ in 0..<500 {
            do {
                _ = try await runner.step()
            } catch {
                failure = error
                break
            }
        }
        await handle.kill()
        let error = try #require(failure)
        #expect(error.kind == .modelMismatch)
        guard case .reconcile(let mismatch) = error else {
            Issue.record("expected a reconcile error, got \(error)")
            return
        }
        #expect(mismatch.kind == .wrongBalance || mismatch.kind == .sumMismatch)
    }

    @Test(
        arguments: [
            ("exit-at-start", WorkloadFailureKind.driverExited, "exited early"),
            ("exit-on-request", .driverExited, "exited early"),
            ("short-then-exit", .replyUnreadable, "reply too short"),
            ("garbage", .replyUnreadable, "results"),
            ("wrong-count", .replyUnreadable, "results"),
        ]
    )
    func misbehavingDriver(mode: String, kind: WorkloadFailureKind, message: String) async throws {
        let handle = try DriverHandle(command: fixtureCommand("bad_driver.py", [mode]))
        let error = await sendError(handle, Self.twoAccounts)
        await handle.kill()
        let driverError = try #require(error)
        #expect(driverError.kind == kind)
        #expect(driverError.description.contains(message), "\(driverError)")
    }

    @Test(arguments: ["silent", "short-then-hang"])
    func silentDriverTimesOut(mode: String) async throws {
        let handle = try DriverHandle(command: fixtureCommand("bad_driver.py", [mode]))
        let start = ContinuousClock.now
        let error = await sendError(handle, Self.twoAccounts, timeout: .seconds(1))
        await handle.kill()
        guard case .timedOut(let operation, let eventCount, _) = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        #expect(operation == .createAccounts)
        #expect(eventCount == 2)
        #expect(ContinuousClock.now - start < .seconds(30))
        #expect(error?.kind == .replyUnreadable)
    }

    @Test func driverNotReadingTimesOutTheWrite() async throws {
        let handle = try DriverHandle(command: fixtureCommand("bad_driver.py", ["never-read"]))
        // Larger than a pipe's buffer: the write cannot complete while nobody reads.
        let large = DriverRequest.lookupAccounts((1...8189).map { UInt128($0) })
        let error = await sendError(handle, large, timeout: .seconds(1))
        await handle.kill()
        guard case .timedOut(let operation, _, _) = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        #expect(operation == .lookupAccounts)
    }

    @Test func driverClosingStdinFailsTheWrite() async throws {
        let handle = try DriverHandle(command: fixtureCommand("bad_driver.py", ["close-stdin"]))
        // Larger than a pipe's buffer: the write blocks until the driver reads or closes.
        let large = DriverRequest.lookupAccounts((1...8189).map { UInt128($0) })
        let start = ContinuousClock.now
        let error = await sendError(handle, large)
        #expect(ContinuousClock.now - start < .seconds(30))
        await handle.kill()
        #expect(error?.kind == .requestWriteFailed, "\(String(describing: error))")
    }

    @Test func tooLongReplyIsCaught() async throws {
        let handle = try DriverHandle(command: fixtureCommand("bad_driver.py", ["long"]))
        #expect(await sendError(handle, Self.twoAccounts) == nil)
        let error = await sendError(handle, Self.twoAccounts)
        await handle.kill()
        #expect(error?.kind == .replyUnreadable)
        #expect(
            error?.description.contains("reply too long") == true,
            "\(String(describing: error))"
        )
        // Later calls report the same failure.
    }

    @Test func tooLongReplyIsCaughtAtFinish() async throws {
        let handle = try DriverHandle(command: fixtureCommand("bad_driver.py", ["long"]))
        #expect(await sendError(handle, Self.twoAccounts) == nil)
        let error = await finishError(handle)
        #expect(error?.kind == .replyUnreadable)
        #expect(handle.termination != nil)
    }

    @Test func endStatus() async throws {
        let wellBehaved = try DriverHandle(
            command: fixtureCommand("bad_driver.py", ["well-behaved"])
        )
        #expect(await sendError(wellBehaved, Self.twoAccounts) == nil)
        #expect(await finishError(wellBehaved) == nil)

        let ignoresTerm = try DriverHandle(
            command: fixtureCommand("bad_driver.py", ["ignore-term"])
        )
        #expect(await sendError(ignoresTerm, Self.twoAccounts) == nil)
        let killed = await finishError(ignoresTerm, gracePeriod: .milliseconds(500))
        #expect(killed?.kind == .driverEndStatus, "\(String(describing: killed))")

        let exitsOne = try DriverHandle(
            command: fixtureCommand("bad_driver.py", ["exit-1-on-term"])
        )
        #expect(await sendError(exitsOne, Self.twoAccounts) == nil)
        let wrong = await finishError(exitsOne)
        #expect(wrong?.kind == .driverEndStatus, "\(String(describing: wrong))")
    }

    @Test func driverThatExitedIsReportedAtFinish() async throws {
        let handle = try DriverHandle(command: fixtureCommand("bad_driver.py", ["exit-at-start"]))
        _ = await handle.waitForExit()
        let error = await finishError(handle)
        #expect(error?.kind == .driverExited)
    }
}
