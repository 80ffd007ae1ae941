// A simulated register run, for property tests and benchmarks: clients invoke read, write and
// cas on a few active keys; each operation takes effect on a real in-memory register at a random
// instant between its invocation and its completion (so the history is linearizable by
// construction), some fail without effect, and some end with an unknown outcome and take effect
// later or never. Keys retire after a bounded number of operations, as a long run's keys would.

/// Settings of a simulated run.
public struct RegisterSimulation: Sendable {
    /// Concurrent client processes.
    public var clientCount = 5
    /// Operations in the whole run.
    public var operationCount = 1_000
    /// Keys in use at any time.
    public var activeKeyCount = 4
    /// Operations after which a key retires and a fresh key replaces it.
    public var operationsPerKey = 200
    /// Values written are drawn from 0..<valueCount (small, so cas often matches).
    public var valueCount = 5
    /// Percent of operations that end with an unknown outcome (`info`).
    public var unknownPercent = 3
    /// Percent of writes that fail without effect.
    public var failedWritePercent = 3
    /// Longest think time, invocation → effect and effect → completion, in microseconds.
    public var maximumStepUs = 50

    /// Default settings.
    public init() {}

    private struct Planned {
        var process: Int
        var key = 0
        var call: OperationCall
        var outcome: OperationOutcome
        var invokeTimeUs: Int64
        var effectTimeUs: Int64?
        var completeTimeUs: Int64
    }

    /// The history of a run from `seed`; linearizable by construction.
    public func run(seed: UInt64) -> History {
        precondition(
            clientCount > 0 && activeKeyCount > 0 && operationsPerKey > 0 && valueCount > 0
        )
        var random = SplitMixRandom(seed: seed)
        var planned = plan(&random)
        assignKeys(&planned, &random)
        let observed = apply(planned)
        let operations = planned.enumerated().map { index, plan in
            RegisterOperation(
                id: index,
                process: plan.process,
                key: plan.key,
                call: plan.call,
                outcome: observed[index].outcome,
                observed: observed[index].read,
                invokeTimeUs: plan.invokeTimeUs,
                completeTimeUs: observed[index].outcome == .unknown ? nil : plan.completeTimeUs
            )
        }
        return History(operations: operations, source: "simulation seed \(seed)")
    }

    /// Each client's operations, back to back, with random timings; sorted by invocation.
    private func plan(_ random: inout SplitMixRandom) -> [Planned] {
        var planned: [Planned] = []
        planned.reserveCapacity(operationCount)
        var clientTimeUs = [Int64](repeating: 0, count: clientCount)
        for index in 0..<operationCount {
            let process = index % clientCount
            let invokeTimeUs = clientTimeUs[process] + Int64(random.int(in: 1...maximumStepUs))
            let effectTimeUs = invokeTimeUs + Int64(random.int(in: 1...maximumStepUs))
            let completeTimeUs = effectTimeUs + Int64(random.int(in: 1...maximumStepUs))
            clientTimeUs[process] = completeTimeUs
            let call: OperationCall
            switch random.int(in: 0...2) {
            case 0: call = .read
            case 1: call = .write(random.int(in: 0...(valueCount - 1)))
            default:
                call = .cas(
                    from: random.int(in: 0...(valueCount - 1)),
                    to: random.int(in: 0...(valueCount - 1))
                )
            }
            var plan = Planned(
                process: process,
                call: call,
                outcome: .ok,
                invokeTimeUs: invokeTimeUs,
                effectTimeUs: effectTimeUs,
                completeTimeUs: completeTimeUs
            )
            if random.percent(unknownPercent) {
                plan.outcome = .unknown
                // Takes effect at any later time (even after the client gave up), or never.
                plan.effectTimeUs =
                    random.percent(50)
                    ? invokeTimeUs + Int64(random.int(in: 1...(maximumStepUs * 6))) : nil
            } else if case .write = call, random.percent(failedWritePercent) {
                plan.outcome = .failed
                plan.effectTimeUs = nil
            }
            planned.append(plan)
        }
        planned.sort { ($0.invokeTimeUs, $0.process) < ($1.invokeTimeUs, $1.process) }
        return planned
    }

    /// Keys in invocation order: each draws one of the active keys, which retires after
    /// `operationsPerKey` operations.
    private func assignKeys(_ planned: inout [Planned], _ random: inout SplitMixRandom) {
        var active = Array(0..<activeKeyCount)
        var used = [Int](repeating: 0, count: activeKeyCount)
        var nextKey = activeKeyCount
        for index in planned.indices {
            let slot = random.int(in: 0...(activeKeyCount - 1))
            planned[index].key = active[slot]
            used[slot] += 1
            if used[slot] == operationsPerKey {
                active[slot] = nextKey
                nextKey += 1
                used[slot] = 0
            }
        }
    }

    /// Runs the effects in time order on real registers: what each read saw, whether each cas
    /// matched.
    private func apply(_ planned: [Planned]) -> [(outcome: OperationOutcome, read: RegisterValue?)]
    {
        var results = planned.map { (outcome: $0.outcome, read: RegisterValue?.none) }
        let effects = planned.indices
            .filter { planned[$0].effectTimeUs != nil }
            .sorted { (planned[$0].effectTimeUs ?? 0, $0) < (planned[$1].effectTimeUs ?? 0, $1) }
        var registers: [Int: Int] = [:]
        for index in effects {
            let plan = planned[index]
            switch plan.call {
            case .read:
                if plan.outcome == .ok {
                    results[index].read = registers[plan.key].map(RegisterValue.integer) ?? .absent
                }
            case .write(let value):
                registers[plan.key] = value
            case .cas(let from, let to):
                if registers[plan.key] == from {
                    registers[plan.key] = to
                } else if plan.outcome == .ok {
                    results[index].outcome = .failed
                }
            }
        }
        return results
    }
}
