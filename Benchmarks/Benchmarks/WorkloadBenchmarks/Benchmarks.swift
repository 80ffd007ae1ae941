// WorkloadBenchmarks: what the driver protocol and the model cost per full batch (8189 events,
// TigerBeetle's limit, ~1 MiB on the wire), next to the floor measured in the same run: copying
// the same number of bytes into a fresh array (an allocation and a memcpy; no codec can beat it).
// Each sample is one batch; divide by 8189 for per-event figures (docs/benchmarks.md does).
//
//   swift package --package-path Benchmarks benchmark --target WorkloadBenchmarks

import Benchmark
import Workload

/// TigerBeetle's batch limit, the size of every batch here.
private let batchSize = DriverProtocol.maximumEventsPerRequest

/// A model with 128 accounts and the requests/replies the benchmarks replay, built once.
private struct Fixture: Sendable {
    let model: LedgerModel
    let accounts: DriverRequest
    let transfers: DriverRequest
    let transfersReply: DriverReply
    let transfersBytes: [UInt8]
    let createReplyBytes: [UInt8]
    let lookup: DriverRequest
    let lookupReply: DriverReply
    let lookupReplyBytes: [UInt8]

    init() {
        var random = SeededRandom(seed: 42)
        var model = LedgerModel(recentTransferCapacity: batchSize)
        accounts = DriverRequest.createAccounts(
            (0..<128).map { _ in Account(id: random.nonZeroID(), ledger: 1, code: 1) }
        )
        do {
            try model.reconcile(
                accounts,
                model.expectedReply(for: accounts),
                command: .createAccounts
            )
        } catch {
            preconditionFailure("the fixture's own reply must reconcile: \(error)")
        }
        let ids = model.accounts.map(\.id)
        transfers = .createTransfers(
            (0..<batchSize).map { index in
                Transfer(
                    id: random.nonZeroID(),
                    debitAccountID: ids[index % 128],
                    creditAccountID: ids[(index + 1) % 128],
                    amount: UInt128(random.uniform(in: 0...(1 << 32))),
                    ledger: 1,
                    code: 1
                )
            }
        )
        transfersReply = model.expectedReply(for: transfers)
        transfersBytes = transfers.encode()
        createReplyBytes = transfersReply.encode()
        lookup = .lookupAccounts((0..<batchSize).map { ids[$0 % 128] })
        lookupReply = model.expectedReply(for: lookup)
        lookupReplyBytes = lookupReply.encode()
        self.model = model
    }

    /// A model equal to `model` with storage of its own (built outside the measurement, so
    /// neither copy-on-write nor set-up is counted as reconciliation).
    func freshModel() -> LedgerModel {
        var fresh = LedgerModel(recentTransferCapacity: batchSize)
        do {
            try fresh.reconcile(
                accounts,
                fresh.expectedReply(for: accounts),
                command: .createAccounts
            )
        } catch {
            preconditionFailure("the fixture's own reply must reconcile: \(error)")
        }
        return fresh
    }
}

private let fixture = Fixture()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 5,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: 1_000
    )

    Benchmark("copy 1 MiB into a new array (baseline)") { benchmark in
        let source = fixture.transfersBytes
        for _ in benchmark.scaledIterations {
            // An explicit copy: `Array(source[...])` would share the source's storage.
            let copy = [UInt8](unsafeUninitializedCapacity: source.count) { buffer, count in
                _ = buffer.initialize(from: source)
                count = source.count
            }
            blackHole(copy)
        }
    }

    Benchmark("encode create_transfers request, 8189 events") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.transfers.encode())
        }
    }

    Benchmark("decode create_transfers request, 8189 events") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try DriverRequest.decode(fixture.transfersBytes[...]))
        }
    }

    Benchmark("encode lookup_accounts reply, 8189 accounts") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.lookupReply.encode())
        }
    }

    Benchmark("decode lookup_accounts reply, 8189 accounts") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try DriverReply.decode(fixture.lookupReplyBytes[...], for: fixture.lookup))
        }
    }

    Benchmark("decode create_transfers reply, 8189 results") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try DriverReply.decode(fixture.createReplyBytes[...], for: fixture.transfers))
        }
    }

    Benchmark("reconcile create_transfers, 8189 events") { benchmark in
        var model = fixture.freshModel()
        benchmark.startMeasurement()
        try model.reconcile(fixture.transfers, fixture.transfersReply, command: .createTransfers)
        benchmark.stopMeasurement()
        blackHole(model)
    }

    Benchmark("reconcile lookup_accounts, 8189 ids over 128 accounts") { benchmark in
        var model = fixture.freshModel()
        benchmark.startMeasurement()
        try model.reconcile(fixture.lookup, fixture.lookupReply, command: .lookupAccounts)
        benchmark.stopMeasurement()
        blackHole(model)
    }

    Benchmark("generate a request (mostly create_transfers of U[1, 8189] events)") { benchmark in
        var generator = WorkloadGenerator(seed: 7)
        for _ in benchmark.scaledIterations {
            blackHole(generator.next(model: fixture.model))
        }
    }
}
