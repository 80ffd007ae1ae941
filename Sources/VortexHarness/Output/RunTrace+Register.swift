// The register workload in trace.json: one thread track per client on the workload's track
// (tid = client index, named `client <i>`), each operation a complete event named after its
// function with its key, client process and outcome (docs/trace.md).

import ChromeTrace
import Linearizability

extension RunTrace {
    /// Names the clients' tracks.
    func registerClients(_ count: Int) {
        for client in 0..<count {
            writer.setThreadName("client \(client)", pid: Self.workloadPid, tid: client)
            writer.setThreadSortIndex(client, pid: Self.workloadPid, tid: client)
        }
    }

    /// Records a completed register operation of `client`.
    func registerOperation(
        client: Int,
        _ invocation: RegisterInvocation,
        outcome: EventType,
        end: ContinuousClock.Instant
    ) {
        writer.complete(
            invocation.call.function.rawValue,
            pid: Self.workloadPid,
            tid: client,
            start: invocation.start,
            end: end,
            args: [
                "key": .int(invocation.key),
                "process": .int(invocation.process),
                "outcome": .string(outcome.rawValue),
            ]
        )
    }
}
