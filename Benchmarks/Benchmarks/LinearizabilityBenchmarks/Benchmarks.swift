// LinearizabilityBenchmarks: what checking costs, against the anchor of Porcupine (Go), which
// checks the 102 published Jepsen etcd histories in 0.28 s (slowest 0.10 s, 30 MB peak RSS):
// - all shared labelled histories (../shared/histories), verdict only, and with explanations;
// - the hardest one alone;
// - a 100,000-operation simulated 5-client run with retiring keys: check, and read its
//   history.jsonl (14 MB), and read it as Jepsen's history.edn.
// Peak resident memory is the whole process's, fixtures included.
//
//   swift package --package-path Benchmarks benchmark --target LinearizabilityBenchmarks
// Figures: docs/benchmarks.md, section "Linearizability checker".

import Benchmark
import Linearizability

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        scalingFactor: .one,
        maxDuration: .seconds(10),
        maxIterations: 200
    )
    let verdictOnly = LinearizabilityChecker(explainsViolations: false)
    let explaining = LinearizabilityChecker()

    // Each closure loads its own fixture, before the measurement starts.
    let sharedCount = Fixtures.sharedLogNames.count
    if sharedCount == 0 {
        print(
            "LinearizabilityBenchmarks: no histories in \(Fixtures.historiesFolder): "
                + "skipping the shared-history benchmarks"
        )
    } else {
        Benchmark("check all \(sharedCount) shared Jepsen histories, verdict only") { benchmark in
            let histories = Fixtures.sharedHistories ?? []
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                for history in histories { blackHole(verdictOnly.check(history)) }
            }
        }
        Benchmark("check all \(sharedCount) shared Jepsen histories, with explanations") {
            benchmark in
            let histories = Fixtures.sharedHistories ?? []
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                for history in histories { blackHole(explaining.check(history)) }
            }
        }
        Benchmark("check the hardest shared history, verdict only") { benchmark in
            guard let hardest = Fixtures.hardestSharedHistory else { return }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(verdictOnly.check(hardest)) }
        }
    }

    Benchmark("check a 100,000-operation simulated run (5 clients, retiring keys)") { benchmark in
        let simulated = Fixtures.simulatedRun
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(explaining.check(simulated)) }
    }
    Benchmark("parse that run's history.jsonl (200,000 lines, 14 MB)") { benchmark in
        let text = Fixtures.simulatedRunJSONLines
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try HistoryParser.parse(text, format: .vortex, source: "simulated"))
        }
    }
    Benchmark("parse the same run as Jepsen's history.edn (200,000 maps)") { benchmark in
        let text = Fixtures.simulatedRunEDN
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try HistoryParser.parse(text, format: .edn, source: "simulated"))
        }
    }
}
