// The workload child of a run: starts the driver (`<driver command> <cluster> <addresses>`, its
// stderr in `<output>/driver.log`), then runs the closed-loop workload — generate, send,
// reconcile — until the run stops, and ends the driver with SIGTERM, whose end status is judged
// as the original does (exit 11 when wrong).

import Foundation
import ProcessControl
import Supervision
import Synchronization
import Workload

extension ClusterRun {
    func runWorkload(_ context: ChildContext) async throws {
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
            fail(.internalError, "workload: \(error)")
            return
        }
        // Liveness judges slow requests; the request timeout only guards against a run that
        // would otherwise never end.
        let requestTimeout = configuration.testDuration + configuration.livenessWindow * 2
        let workload = WorkloadRunner(
            seed: workloadSeed,
            configuration: WorkloadConfiguration(
                maximumEventsPerRequest: target.maxEventsPerRequest,
                sparseCreates: configuration.sparseCreates
            ),
            driver: handle,
            requestTimeout: requestTimeout
        )
        driver.withLock { $0 = handle }
        runner.withLock { $0 = workload }
        context.reportReady()
        await loop(workload)
        await finish(handle, workload: workload)
    }

    private func loop(_ workload: WorkloadRunner) async {
        // Ends when the run stops (cancellation or the stopping flag) or the workload fails.
        while !stopping.load(ordering: .acquiring) && !Task.isCancelled {
            do {
                let record = try await workload.step()
                progress.finished(record)
                trace.request(record)
            } catch {
                if stopping.load(ordering: .acquiring) || Task.isCancelled { return }
                let reason = ExitReason(rawValue: error.exitCode) ?? .internalError
                fail(reason, "workload: \(error)")
                return
            }
        }
    }

    private func finish(_ handle: DriverHandle, workload: WorkloadRunner) async {
        let finished = await workload.requestsFinished
        for (command, count) in finished.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            log.log(.info, "workload", "completed command=\(command) count=\(count)")
        }
        if verdict.hasFailed {
            await handle.kill()
            return
        }
        do {
            try await handle.finish(gracePeriod: .seconds(5))
        } catch {
            let reason = ExitReason(rawValue: error.exitCode) ?? .internalError
            if verdict.fail(reason, "workload: \(error)") {
                log.log(.error, "workload", "\(error)")
                trace.failure(reason, "\(error)")
            }
        }
    }
}
