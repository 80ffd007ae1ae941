// The workload child of a run: starts the driver (`<driver command> <cluster> <addresses>`, its
// stderr in `<output>/driver.log`), then runs the closed-loop workload — generate, send,
// reconcile — until the run stops, and ends the driver with SIGTERM, whose end status is judged
// as the original does (exit 11 when wrong). What the other tasks need to know goes through
// `progress`. A register run goes to ClusterRun+Register instead.

import Foundation
import ProcessControl
import Supervision
import Synchronization
import Workload

extension ClusterRun {
    func runWorkload(_ context: ChildContext) async throws {
        if configuration.workload == .register {
            try await runRegisterWorkload(context)
            return
        }
        let target = configuration.target
        let tokens = configuration.driverCommand.expand { values.value($0, replica: nil) }
        let addresses = values.layout.driverAddresses(target.driver.addressesPort)
        let command = DriverCommand(
            tokens: tokens,
            cluster: UInt128(target.cluster),
            addresses: [addresses],
            standardError: .file("\(configuration.outputDirectory)/driver.log", append: true)
        )
        log.log(.info, "workload", "starting driver: \(command.arguments.joined(separator: " "))")
        let handle: DriverHandle
        do {
            handle = try DriverHandle(command: command)
        } catch {
            fail(RunOutcome(error.kind), "workload: \(error); check --driver-command")
            return
        }
        // Liveness judges slow requests; the request timeout only guards against a run that
        // would otherwise never end.
        let requestTimeout = configuration.testDuration + configuration.livenessWindow * 2
        let workload = WorkloadRunner(
            seed: seeds.workload,
            configuration: WorkloadConfiguration(
                maximumEventsPerRequest: target.maxEventsPerRequest,
                sparseCreates: configuration.sparseCreates
            ),
            driver: handle,
            requestTimeout: requestTimeout
        )
        progress.driverStarted(handle)
        context.reportReady()
        await loop(workload)
        await finish(handle, workload: workload)
    }

    private func loop(_ workload: WorkloadRunner) async {
        // Ends when the run stops (cancellation or the stopping flag) or the workload fails.
        while !isStopping && !Task.isCancelled {
            do {
                progress.requestBegan()
                let record = try await workload.step()
                progress.finished(record)
                trace.request(record)
            } catch {
                if isStopping || Task.isCancelled { return }
                fail(RunOutcome(error.kind), "workload: \(error)", mismatch: error.mismatchKind)
                return
            }
        }
    }

    private func finish(_ handle: DriverHandle, workload: WorkloadRunner) async {
        let finished = await workload.requestsFinished
        for (command, count) in finished.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            log.log(.info, "workload", "completed command=\(command) count=\(count)")
        }
        let model = await workload.model
        let ledger = LedgerTotals(
            accountsCreated: model.accounts.count,
            transfersCreated: model.transfersCreated
        )
        progress.stopped(ledger: ledger)
        log.log(
            .info,
            "workload",
            "ledger accounts_created=\(ledger.accountsCreated) "
                + "transfers_created=\(ledger.transfersCreated)"
        )
        if verdict.hasFailed {
            await handle.kill()
            return
        }
        do {
            try await handle.finish(gracePeriod: .seconds(5))
        } catch {
            let outcome = RunOutcome(error.kind)
            if verdict.fail(outcome, "workload: \(error)") {
                log.log(.error, "workload", "\(error)")
                trace.failure(outcome, "\(error)")
            }
        }
    }
}
