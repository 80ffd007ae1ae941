// What LinearizabilityBenchmarks check, built once outside the measurements: the labelled Jepsen
// etcd histories from ../shared/histories beside the repository (or $VORTEX_HISTORIES_DIR;
// absent for users of the repository, then those benchmarks are skipped with a message), and a
// 100,000-operation simulated run of 5 clients whose keys retire after 200 operations, also as
// history.jsonl and as history.edn text.

import Foundation
import Linearizability

enum Fixtures {
    /// ../shared/histories beside the repository root, found from this file's own path.
    static let historiesFolder: String = {
        if let configured = ProcessInfo.processInfo.environment["VORTEX_HISTORIES_DIR"],
            !configured.isEmpty
        {
            return configured
        }
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        // Benchmarks/Benchmarks/LinearizabilityBenchmarks/Fixtures.swift → the repository root
        components.removeLast(4)
        return components.joined(separator: "/") + "/../shared/histories"
    }()

    /// The shared Jepsen logs' file names (listing only: registering the benchmarks must not
    /// load what another benchmark measures, since peak memory is the whole process's).
    static let sharedLogNames: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: historiesFolder)) ?? []
        return files.filter { $0.hasSuffix(".log") }.sorted()
    }()

    /// The shared Jepsen histories, or nil with a message when the folder is absent.
    static let sharedHistories: [History]? = {
        let logs = sharedLogNames
        guard !logs.isEmpty else {
            print(
                "LinearizabilityBenchmarks: no histories in \(historiesFolder): skipping the shared-history benchmarks"
            )
            return nil
        }
        do {
            return try logs.map {
                try HistoryParser.load(path: historiesFolder + "/" + $0, format: .jepsen)
            }
        } catch {
            print("LinearizabilityBenchmarks: \(error): skipping the shared-history benchmarks")
            return nil
        }
    }()

    /// The shared history whose search stores the most configurations (the slowest to check).
    static let hardestSharedHistory: History? = sharedHistories?.max { first, second in
        let checker = LinearizabilityChecker(explainsViolations: false)
        return explored(checker.check(first)) < explored(checker.check(second))
    }

    private static func explored(_ check: HistoryCheck) -> Int {
        check.keys.map(\.exploredStates).reduce(0, +)
    }

    /// A simulated register run: 5 clients, 100,000 operations over 8 active keys that retire
    /// after 200 operations each, 3 % unknown outcomes, 3 % failed writes.
    static let simulatedRun: History = {
        var simulation = RegisterSimulation()
        simulation.clientCount = 5
        simulation.operationCount = 100_000
        simulation.activeKeyCount = 8
        simulation.operationsPerKey = 200
        return simulation.run(seed: 1)
    }()

    /// `simulatedRun` as history.jsonl text.
    static let simulatedRunJSONLines: String =
        simulatedRun.events.map(\.jsonLine).joined(separator: "\n") + "\n"

    /// `simulatedRun` as Jepsen's history.edn text.
    static let simulatedRunEDN: String =
        simulatedRun.events.map(\.ednLine).joined(separator: "\n") + "\n"
}
