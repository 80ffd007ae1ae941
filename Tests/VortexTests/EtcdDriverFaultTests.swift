// vortex-driver-etcd when the network or a member misbehaves, each test on its own real
// 3-member etcd cluster: a commit whose answer is lost must not be applied twice, and a member
// cut off from the majority must not answer from its stale state. Part of `EtcdDriverTests`
// (same serialized suite).

import Foundation
import Testing
import Workload

#if canImport(Glibc)
import Glibc
#endif

extension EtcdDriverTests {
    @Test func aCommitWhoseAnswerIsLostIsNotAppliedTwice() throws {
        let cluster = try EtcdTestCluster(memberCount: 3)
        defer { cluster.stop() }
        let relay = try EtcdReplyDropper(targetPort: cluster.members[0].clientPort)
        defer { relay.stop() }
        let others = cluster.members.dropFirst().map { String($0.clientPort) }
        let driver = try EtcdDriverProcess(
            addresses: ([String(relay.port)] + others).joined(separator: ","),
            logPath: cluster.directory + "/driver.log"
        )
        defer { driver.kill() }
        let accounts = (1...8).map { account(UInt128($0) << 64) }
        let created = try createResults(driver.call(.createAccounts(accounts)))
        #expect(created.allSatisfy { $0.status == CreateAccountStatus.created.rawValue })

        // etcd commits these transfers, the relay swallows the answer: the driver retries on
        // the next member and must answer from the stored results, not apply them again.
        var debits = [UInt128: UInt128]()
        var credits = [UInt128: UInt128]()
        let transfers = (0..<200).map { index -> Transfer in
            let debit = accounts[index % 8].id
            let credit = accounts[(index * 3 + 1) % 8].id
            let amount = (UInt128(index) << 70) + 1
            return transfer(UInt128(10_000 + index), from: debit, to: credit, amount: amount)
        }
        for event in transfers where event.debitAccountID != event.creditAccountID {
            debits[event.debitAccountID, default: 0] += event.amount
            credits[event.creditAccountID, default: 0] += event.amount
        }
        relay.arm()
        let results = try createResults(driver.call(.createTransfers(transfers)))
        #expect(relay.droppedCount == 1, "the commit's answer was swallowed")
        let expected = transfers.map {
            $0.debitAccountID == $0.creditAccountID
                ? CreateTransferStatus.accountsMustBeDifferent : .created
        }
        #expect(results.map(\.status) == expected.map(\.rawValue))
        #expect(driver.log.contains("was applied already"), "the retry found the stored reply")

        guard
            case .accounts(let found) = try driver.call(.lookupAccounts(accounts.map(\.id))).results
        else { throw EtcdTestError(description: "lookup_accounts did not return accounts") }
        for account in found {
            #expect(account.debitsPosted == debits[account.id, default: 0])
            #expect(account.creditsPosted == credits[account.id, default: 0])
        }
        #expect(driver.finish().status == 0)
    }

    @Test func aMemberCutOffFromTheMajorityDoesNotAnswerFromStaleState() throws {
        let cluster = try EtcdTestCluster(memberCount: 3)
        defer { cluster.stop() }
        let writer = try EtcdDriverProcess(
            addresses: cluster.addresses,
            logPath: cluster.directory + "/writer.log",
            environment: ["VORTEX_ETCD_CALL_TIMEOUT_MS": "1000"]
        )
        defer { writer.kill() }
        let ids: [UInt128] = [101, 102]
        _ = try writer.call(.createAccounts(ids.map { account($0) }))
        _ = try writer.call(.createTransfers([transfer(1, from: 101, to: 102, amount: 5)]))

        // Member 0 misses a write, then is the only member running: stale and cut off.
        cluster.signal(member: 0, SIGSTOP)
        let late = try createResults(
            writer.call(.createTransfers([transfer(2, from: 101, to: 102, amount: 1 << 90)]))
        )
        #expect(late.first?.status == CreateTransferStatus.created.rawValue)
        cluster.signal(member: 1, SIGSTOP)
        cluster.signal(member: 2, SIGSTOP)
        cluster.signal(member: 0, SIGCONT)

        // A new driver starts on member 0; the majority returns after 3 s.
        let reader = try EtcdDriverProcess(
            addresses: cluster.addresses,
            logPath: cluster.directory + "/reader.log",
            environment: ["VORTEX_ETCD_CALL_TIMEOUT_MS": "1000"]
        )
        defer { reader.kill() }
        try reader.send(.lookupAccounts(ids))
        Thread.sleep(forTimeInterval: 3)
        cluster.signal(member: 1, SIGCONT)
        cluster.signal(member: 2, SIGCONT)
        guard case .accounts(let found) = try reader.receive(for: .lookupAccounts(ids)).results
        else { throw EtcdTestError(description: "lookup_accounts did not return accounts") }
        #expect(
            found.map(\.debitsPosted) == [5 + (1 << 90), 0],
            "the latest write, not a stale one"
        )
        #expect(found.map(\.creditsPosted) == [0, 5 + (1 << 90)])
        let member0 = "127.0.0.1:\(cluster.members[0].clientPort)"
        #expect(reader.log.contains("switching from \(member0)"), "member 0 did not answer")
        #expect(reader.finish().status == 0)
    }
}
