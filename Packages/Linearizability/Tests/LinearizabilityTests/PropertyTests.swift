// Properties over seeded random histories from a real in-memory register (RegisterSimulation):
// sequential and concurrent runs, with failed and unknown outcomes, are linearizable, also after
// a round trip through history.jsonl; the same runs with one read changed to a value that cannot
// be explained (never written, or stale after completed writes with nothing concurrent) are not.

import Linearizability
import Testing

@Suite struct PropertyTests {
    static let seeds: [UInt64] = Array(0..<40)
    let checker = LinearizabilityChecker(explainsViolations: false)

    static func sequential(seed: UInt64) -> History {
        var simulation = RegisterSimulation()
        simulation.clientCount = 1
        simulation.operationCount = 120
        simulation.activeKeyCount = 2
        simulation.operationsPerKey = 40
        simulation.unknownPercent = 0
        return simulation.run(seed: seed)
    }

    static func concurrent(seed: UInt64) -> History {
        var simulation = RegisterSimulation()
        simulation.clientCount = 2 + Int(seed % 5)
        simulation.operationCount = 300
        simulation.activeKeyCount = 3
        simulation.operationsPerKey = 60
        simulation.unknownPercent = 5
        simulation.failedWritePercent = 5
        return simulation.run(seed: seed)
    }

    /// `history` with operation `id`'s read result replaced.
    static func replacingRead(_ history: History, id: Int, with value: RegisterValue) -> History {
        var operations = history.operations
        operations[id].observed = value
        return History(operations: operations, source: history.source)
    }

    @Test(arguments: seeds) func sequentialHistoriesAreLinearizable(seed: UInt64) {
        let history = Self.sequential(seed: seed)
        #expect(checker.check(history).verdict == .linearizable)
    }

    @Test(arguments: seeds) func sequentialStaleReadIsNotLinearizable(seed: UInt64) throws {
        let history = Self.sequential(seed: seed)
        // The first ok read after two completed writes of different values on its key: make it
        // return the older one. With one client nothing is concurrent, so no order explains it.
        var written: [Int: [Int]] = [:]
        var target: (id: Int, stale: Int)?
        for operation in history.operations where operation.outcome == .ok {
            switch operation.call {
            case .write(let value):
                written[operation.key, default: []].append(value)
            case .cas(_, let to):
                written[operation.key, default: []].append(to)
            case .read:
                let values = written[operation.key] ?? []
                if let current = values.last, let stale = values.last(where: { $0 != current }),
                    operation.observed == .integer(current)
                {
                    target = (operation.id, stale)
                }
            }
            if target != nil { break }
        }
        let (id, stale) = try #require(target, "seed \(seed) has no read after two writes")
        let mutated = Self.replacingRead(history, id: id, with: .integer(stale))
        #expect(checker.check(mutated).verdict == .notLinearizable)
    }

    @Test(arguments: seeds) func concurrentHistoriesAreLinearizable(seed: UInt64) throws {
        let history = Self.concurrent(seed: seed)
        #expect(history.operations.contains { $0.outcome == .unknown })
        #expect(history.operations.contains { $0.outcome == .failed })
        #expect(checker.check(history).verdict == .linearizable)
        // The same through history.jsonl and through Jepsen's history.edn.
        let text = history.events.map(\.jsonLine).joined(separator: "\n")
        let parsed = try HistoryParser.parse(text, format: .vortex, source: "round trip")
        #expect(parsed.operations.count == history.operations.count)
        #expect(checker.check(parsed).verdict == .linearizable)
        let edn = history.events.map(\.ednLine).joined(separator: "\n")
        #expect(HistoryFormat.detect(in: edn) == .edn)
        let fromEDN = try HistoryParser.parse(edn, format: .edn, source: "round trip")
        #expect(fromEDN.operations.count == history.operations.count)
        #expect(Self.comparable(fromEDN) == Self.comparable(history))
        #expect(checker.check(fromEDN).verdict == .linearizable)
    }

    /// The operations of `history` as sorted text, without ids and lines (which depend on the
    /// order events were written in): equal for two readings of the same events.
    static func comparable(_ history: History) -> [String] {
        history.operations.map { operation in
            "\(operation.process) \(operation.key) \(operation.call) \(operation.outcome) "
                + "\(String(describing: operation.observed)) \(operation.invokeTimeUs) "
                + "\(String(describing: operation.completeTimeUs)) \(operation.error ?? "")"
        }.sorted()
    }

    @Test(arguments: seeds) func concurrentReadOfAValueNeverWrittenIsNotLinearizable(
        seed: UInt64
    ) throws {
        let history = Self.concurrent(seed: seed)
        let reads = history.operations.filter { $0.observed != nil }
        let read = try #require(reads.isEmpty ? nil : reads[Int(seed) % reads.count])
        let mutated = Self.replacingRead(history, id: read.id, with: .integer(1_000_000))
        let check = checker.check(mutated)
        #expect(check.verdict == .notLinearizable)
        #expect(check.violations.map(\.key) == [read.key])
    }

    @Test(arguments: seeds) func concurrentStaleReadAfterQuiescenceIsNotLinearizable(seed: UInt64) {
        // After the run, once everything has completed: write Y, then write X, then read. Values
        // Y and X are written nowhere else, so reading Y after X completed is stale whatever the
        // earlier operations (unknown ones included) did; reading X is fine.
        let history = Self.concurrent(seed: seed)
        let endUs =
            (history.operations.compactMap(\.completeTimeUs)
            + history.operations.map(\.invokeTimeUs)).max() ?? 0
        let key = history.operations[Int(seed) % history.operations.count].key
        func withFinalRead(_ value: Int) -> History {
            var operations = history.operations
            let suffix: [(OperationCall, RegisterValue?)] = [
                (.write(500), nil), (.write(600), nil), (.read, .integer(value)),
            ]
            for (offset, (call, read)) in suffix.enumerated() {
                let startUs = endUs + 10 + Int64(offset) * 20
                operations.append(
                    RegisterOperation(
                        id: operations.count,
                        process: offset,
                        key: key,
                        call: call,
                        outcome: .ok,
                        observed: read,
                        invokeTimeUs: startUs,
                        completeTimeUs: startUs + 10
                    )
                )
            }
            return History(operations: operations, source: history.source)
        }
        #expect(checker.check(withFinalRead(600)).verdict == .linearizable)
        #expect(checker.check(withFinalRead(500)).verdict == .notLinearizable)
    }

    @Test(arguments: seeds.prefix(10)) func minimalSetIsNotLinearizableOnItsOwn(seed: UInt64) throws
    {
        let history = Self.concurrent(seed: seed)
        let reads = history.operations.filter { $0.observed != nil }
        let read = try #require(reads.isEmpty ? nil : reads[Int(seed) % reads.count])
        let mutated = Self.replacingRead(history, id: read.id, with: .integer(1_000_000))
        let violation = try #require(
            LinearizabilityChecker().check(mutated).violations.first?.violation
        )
        #expect(violation.minimal == [read.id])
    }
}
