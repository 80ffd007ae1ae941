// vortex-driver-etcd against a real 3-member etcd cluster started by each test: TigerBeetle's
// statuses, 128-bit balances and timestamps through the binary protocol; the workload's own
// generator and model reconciling a bounded run; and exactly-once when the member the driver
// talks to is SIGKILLed in the middle of requests. Skipped only when etcd is not installed
// (scripts/setup-etcd installs it).

import Foundation
import Testing
import Workload

#if canImport(Glibc)
import Glibc
#endif

private let etcdInstalled = EtcdTestCluster.etcdPath != nil && EtcdTestCluster.etcdctlPath != nil

@Suite(
    .ownThread,
    .serialized,
    .enabled(if: etcdInstalled, "etcd is not installed: run scripts/setup-etcd"),
    .timeLimit(.minutes(5))
)
struct EtcdDriverTests {
    func account(_ id: UInt128, ledger: UInt32 = 1, flags: AccountFlags = []) -> Account {
        Account(id: id, ledger: ledger, code: 7, flags: flags)
    }

    func transfer(
        _ id: UInt128,
        from debit: UInt128,
        to credit: UInt128,
        amount: UInt128,
        ledger: UInt32 = 1,
        flags: TransferFlags = []
    ) -> Transfer {
        Transfer(
            id: id,
            debitAccountID: debit,
            creditAccountID: credit,
            amount: amount,
            ledger: ledger,
            code: 9,
            flags: flags
        )
    }

    func createResults(_ reply: DriverReply) throws -> [CreateResult] {
        guard case .createResults(let results) = reply.results else {
            throw EtcdTestError(description: "not create results: \(reply)")
        }
        return results
    }

    @Test func statusesBalancesAndTimestampsAreTigerBeetles() throws {
        let cluster = try EtcdTestCluster(memberCount: 3)
        defer { cluster.stop() }
        let driver = try EtcdDriverProcess(
            addresses: cluster.addresses,
            logPath: cluster.directory + "/driver.log"
        )
        defer { driver.kill() }

        // Accounts: created, exists (same fields), exists_with_different_code, zero id.
        let accountReply = try createResults(
            driver.call(
                .createAccounts([
                    account(1), account(2), account(3, ledger: 2), account(1),
                    Account(id: 2, ledger: 1, code: 8), account(0),
                ])
            )
        )
        #expect(
            accountReply.map(\.status)
                == [
                    CreateAccountStatus.created, .created, .created, .exists,
                    .existsWithDifferentCode, .idMustNotBeZero,
                ].map(\.rawValue)
        )
        #expect(accountReply[0].timestamp < accountReply[1].timestamp)
        #expect(accountReply[1].timestamp < accountReply[2].timestamp)
        #expect(
            accountReply[3].timestamp == accountReply[0].timestamp,
            "exists reports the original"
        )

        // Transfers: 128-bit amounts, every failure the workload can produce, in-batch duplicate.
        let big = UInt128(1) << 100
        let transferReply = try createResults(
            driver.call(
                .createTransfers([
                    transfer(10, from: 1, to: 2, amount: big),
                    transfer(11, from: 1, to: 1, amount: 5),
                    transfer(12, from: 1, to: 99, amount: 5),
                    transfer(13, from: 98, to: 2, amount: 5),
                    transfer(10, from: 1, to: 2, amount: big),
                    transfer(10, from: 1, to: 2, amount: 6),
                    transfer(14, from: 2, to: 1, amount: 0),
                    transfer(15, from: 1, to: 3, amount: 5),
                    transfer(16, from: 1, to: 2, amount: 5, ledger: 2),
                    transfer(17, from: 2, to: 1, amount: 3),
                ])
            )
        )
        #expect(
            transferReply.map(\.status)
                == [
                    CreateTransferStatus.created, .accountsMustBeDifferent, .creditAccountNotFound,
                    .debitAccountNotFound, .exists, .existsWithDifferentAmount, .created,
                    .accountsMustHaveTheSameLedger, .transferMustHaveTheSameLedgerAsAccounts,
                    .created,
                ].map(\.rawValue)
        )
        #expect(transferReply[4].timestamp == transferReply[0].timestamp)
        #expect(transferReply[6].timestamp > transferReply[0].timestamp)
        #expect(transferReply[0].timestamp > accountReply[2].timestamp)

        // A retired id fails again; a linked chain with a failure applies nothing.
        let secondReply = try createResults(
            driver.call(
                .createTransfers([
                    transfer(12, from: 1, to: 2, amount: 5),
                    transfer(20, from: 1, to: 2, amount: 1000, flags: .linked),
                    transfer(21, from: 1, to: 1, amount: 1),
                    transfer(22, from: 2, to: 1, amount: big),
                ])
            )
        )
        #expect(
            secondReply.map(\.status)
                == [
                    CreateTransferStatus.idAlreadyFailed, .linkedEventFailed,
                    .accountsMustBeDifferent, .created,
                ].map(\.rawValue)
        )

        // Balances: account 1 debited 2^100 and credited 3 + 2^100; account 2 the reverse.
        guard case .accounts(let found) = try driver.call(.lookupAccounts([2, 1, 42, 1])).results
        else { throw EtcdTestError(description: "lookup_accounts did not return accounts") }
        #expect(found.map(\.id) == [2, 1, 1], "found accounts only, in request order")
        #expect(found[1].debitsPosted == big)
        #expect(found[1].creditsPosted == big + 3)
        #expect(found[0].debitsPosted == big + 3)
        #expect(found[0].creditsPosted == big)
        #expect(found[1].timestamp == accountReply[0].timestamp)

        guard
            case .transfers(let transfers) = try driver.call(.lookupTransfers([10, 12, 20, 22]))
                .results
        else { throw EtcdTestError(description: "lookup_transfers did not return transfers") }
        #expect(transfers.map(\.id) == [10, 22])
        #expect(transfers.first?.amount == big)
        #expect(transfers.first?.timestamp == transferReply[0].timestamp)

        // Two-phase transfers are refused with a clear line and exit status 3.
        let refusal = try EtcdDriverProcess(
            addresses: cluster.addresses,
            logPath: cluster.directory + "/refusal.log"
        )
        defer { refusal.kill() }
        try refusal.send(
            .createTransfers([transfer(30, from: 1, to: 2, amount: 1, flags: .pending)])
        )
        let refused = refusal.finish()
        #expect(refused.reason == .exit && refused.status == 3)
        #expect(refusal.log.contains("not supported by the etcd ledger"))

        // stdin EOF: exit 0.
        let ended = driver.finish()
        #expect(ended.reason == .exit && ended.status == 0)
    }

    @Test func generatedWorkloadReconcilesWithTheModel() throws {
        let cluster = try EtcdTestCluster(memberCount: 3)
        defer { cluster.stop() }
        let driver = try EtcdDriverProcess(
            addresses: cluster.addresses,
            logPath: cluster.directory + "/driver.log",
            environment: ["VORTEX_ETCD_COMPACTION_REQUESTS": "10"]
        )
        defer { driver.kill() }
        var generator = WorkloadGenerator(
            seed: 20_261_123,
            configuration: WorkloadConfiguration(
                maximumEventsPerRequest: 1_000,
                invalidEventsPer1024: 32
            )
        )
        var model = LedgerModel()
        var commands: [WorkloadCommand: Int] = [:]
        for _ in 0..<60 {
            guard let planned = generator.next(model: model) else { break }
            let reply = try driver.call(planned.request)
            try model.reconcile(planned.request, reply, command: planned.command)
            commands[planned.command, default: 0] += 1
        }
        #expect(model.transfersCreated > 0)
        #expect((commands[.createTransfers] ?? 0) > 10)
        try expectLedgerMatches(model, driver: driver, cluster: cluster)
        #expect(driver.log.contains("compacted etcd's history"), "old versions are compacted")
        #expect(throws: (any Error).self, "revision 2 is compacted away") {
            try cluster.etcdctl(["get", "--rev=2", "/vortex-test/ready"])
        }

        // SIGTERM at the end of a run: the driver ends by the signal, as vortex expects.
        let ended = driver.terminate(with: SIGTERM)
        #expect(ended.reason == .uncaughtSignal && ended.status == SIGTERM)
    }

    @Test func exactlyOnceWhenTheMemberInUseIsKilledMidRequest() throws {
        let cluster = try EtcdTestCluster(memberCount: 3)
        defer { cluster.stop() }
        let driver = try EtcdDriverProcess(
            addresses: cluster.addresses,
            logPath: cluster.directory + "/driver.log",
            environment: ["VORTEX_ETCD_CALL_TIMEOUT_MS": "2000"]
        )
        defer { driver.kill() }
        var generator = WorkloadGenerator(
            seed: 7,
            configuration: WorkloadConfiguration(maximumEventsPerRequest: 3_000)
        )
        var model = LedgerModel()
        // Two kills, each of the member the driver uses at that moment (from its fail-over log),
        // while a request is in flight; the first victim is restarted in between, so a majority
        // is always up.
        let killAt: Set<Int> = [8, 30]
        let restartAt = 16
        var victims: [Int] = []
        var requestIndex = 0
        while requestIndex < 48, let planned = generator.next(model: model) {
            try driver.send(planned.request)
            if killAt.contains(requestIndex) {
                let victim = memberInUse(driver.log, cluster)
                Thread.sleep(forTimeInterval: 0.005 * Double(requestIndex % 20))
                cluster.kill(member: victim)
                victims.append(victim)
            }
            let reply = try driver.receive(for: planned.request)
            try model.reconcile(planned.request, reply, command: planned.command)
            if requestIndex == restartAt, let first = victims.first {
                try cluster.start(member: first)
            }
            requestIndex += 1
        }
        #expect(victims.count == 2, "the run reached both kills")
        let log = driver.log
        for line in log.split(separator: "\n")
        where line.contains("attempt") || line.contains("applied") {
            print("driver: \(line)")
        }
        for victim in victims {
            let address = "127.0.0.1:\(cluster.members[victim].clientPort)"
            #expect(
                log.contains("switching from \(address)"),
                "the driver left killed member \(victim)"
            )
        }
        try expectLedgerMatches(model, driver: driver, cluster: cluster)
        #expect(driver.finish().status == 0)
    }

    /// The member the driver talks to: the target of its last fail-over, else the first one.
    private func memberInUse(_ log: String, _ cluster: EtcdTestCluster) -> Int {
        guard let line = log.split(separator: "\n").last(where: { $0.contains("switching from") }),
            let target = line.split(separator: " ").last
        else { return 0 }
        return cluster.members.firstIndex { "127.0.0.1:\($0.clientPort)" == target } ?? 0
    }

    /// Every account's balances equal the sequential model's, and etcd holds exactly as many
    /// transfers as the model created (none applied twice, none lost).
    private func expectLedgerMatches(
        _ model: LedgerModel,
        driver: EtcdDriverProcess,
        cluster: EtcdTestCluster
    ) throws {
        let ids = model.accounts.map(\.id)
        guard case .accounts(let found) = try driver.call(.lookupAccounts(ids)).results else {
            throw EtcdTestError(description: "lookup_accounts did not return accounts")
        }
        #expect(found.count == ids.count)
        for (expected, actual) in zip(model.accounts, found) {
            #expect(actual.id == expected.id)
            #expect(actual.debitsPosted == expected.debitsPosted, "debits of \(expected.id)")
            #expect(actual.creditsPosted == expected.creditsPosted, "credits of \(expected.id)")
        }
        let debits = found.reduce(UInt128(0)) { $0 + $1.debitsPosted }
        let credits = found.reduce(UInt128(0)) { $0 + $1.creditsPosted }
        #expect(debits == credits)
        let stored = try cluster.etcdctl([
            "get", "--prefix", "--write-out=json", "/vortex-ledger/0/transfer/",
        ])
        let values = try JSONDecoder().decode(EtcdctlRange.self, from: Data(stored.utf8))
        // A created transfer's value is 128 bytes (172 base64 characters); a retired id's is 4.
        let transferCount = values.kvs?.filter { ($0.value ?? "").count > 8 }.count ?? 0
        #expect(UInt64(transferCount) == model.transfersCreated, "transfers stored once each")
    }
}

/// The part of `etcdctl get --write-out=json` the checks read.
private struct EtcdctlRange: Decodable {
    struct KeyValue: Decodable {
        var value: String?
    }

    var kvs: [KeyValue]?
}
