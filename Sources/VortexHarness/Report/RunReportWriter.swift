// Writes `<output>/report.html` at the end of a run (RunLauncher, one call): gathers what the run
// already holds — the summary, the finished requests (WorkloadProgress's RequestLog), the request
// left in flight, the moment of the failure — reads the decisions back from faults.jsonl
// (FaultLogReader), places everything on the run clock and renders RunReportPage.

import Foundation

/// Builds and writes report.html.
enum RunReportWriter {
    /// The file name inside the output directory.
    static let fileName = "report.html"

    /// Writes the report of a finished run; returns a one-line problem instead of throwing (a
    /// run's verdict never depends on its report).
    static func write(
        summary: RunSummary,
        run: ClusterRun,
        clock: RunClock,
        elapsed: Duration
    )
        -> String?
    {
        let output = run.configuration.outputDirectory
        let faults: [FaultLogEntry]
        var problem: String?
        do {
            faults = try FaultLogReader.read(path: "\(output)/faults.jsonl")
        } catch {
            faults = []
            problem = "report.html drawn without faults: \(error)"
        }
        let requests = run.progress.requestLog
        let referenceUs = requests.reference.map { clock.microseconds(at: $0) } ?? 0
        let unfinished = run.progress.unfinishedSince.map { start in
            UnfinishedRequest(
                startUs: clock.microseconds(at: start),
                endUs: clock.microseconds(at: run.verdict.decidedAt ?? clock.origin + elapsed)
            )
        }
        let failure: ReportFailure? =
            summary.verdict == RunOutcome.Verdict.pass.rawValue
            ? nil
            : ReportFailure(
                timeUs: run.verdict.decidedAt.map { clock.microseconds(at: $0) }
                    ?? RunClock.microseconds(elapsed),
                reason: summary.reason,
                message: summary.message
            )
        let report = build(
            summary: summary,
            faults: faults,
            requests: requests,
            requestReferenceUs: referenceUs,
            unfinished: failure == nil ? nil : unfinished,
            failure: failure,
            endUs: RunClock.microseconds(elapsed)
        )
        do {
            try Data(RunReportPage.html(report).utf8).write(
                to: URL(fileURLWithPath: "\(output)/\(fileName)")
            )
        } catch {
            return "cannot write \(fileName): \(error)"
        }
        return problem
    }

    /// The report of a run from its records; request times shifted by `requestReferenceUs` onto
    /// the run clock. The time axis ends at `endUs` or the last thing recorded, whichever is
    /// later.
    static func build(
        summary: RunSummary,
        faults: [FaultLogEntry],
        requests: RequestLog,
        requestReferenceUs: Int64,
        unfinished: UnfinishedRequest?,
        failure: ReportFailure?,
        endUs: Int64
    ) -> RunReport {
        let samples = requests.samples.map { sample in
            var placed = sample
            placed.startUs += requestReferenceUs
            return placed
        }
        var axisEndUs = endUs
        axisEndUs = max(axisEndUs, samples.map { $0.startUs + $0.latencyUs }.max() ?? 0)
        axisEndUs = max(axisEndUs, faults.map(\.timeUs).max() ?? 0)
        axisEndUs = max(axisEndUs, unfinished?.endUs ?? 0, failure?.timeUs ?? 0, 1)
        let periods = ReportTimeline.periods(
            of: faults,
            replicaCount: summary.configuration.replicaCount,
            endUs: axisEndUs
        )
        return RunReport(
            summary: summary,
            endUs: axisEndUs,
            replicaSegments: periods.replicas,
            networkBands: periods.network,
            commands: requests.commands,
            samples: samples,
            throughput: requests.throughput,
            throughputStartUs: requestReferenceUs,
            unfinishedRequest: unfinished,
            failure: failure
        )
    }
}
