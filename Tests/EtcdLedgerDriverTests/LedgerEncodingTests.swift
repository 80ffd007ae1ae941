// The etcd driver's key space and value encodings, and the shape of its create replies, without
// etcd: the keys are the layout docs/workload.md documents ("The etcd driver", key space), and
// every value decodes back to what was encoded while a value of the wrong size is refused.

import EtcdLedgerDriver
import Foundation
import Testing
import Workload

@Suite struct LedgerEncodingTests {
    static let keys = LedgerKeys(cluster: "0")

    static func text(_ key: Data) -> String { String(decoding: key, as: UTF8.self) }

    @Test func keysFollowTheDocumentedLayout() {
        #expect(Self.text(Self.keys.head) == "/vortex-ledger/0/head")
        #expect(
            Self.text(Self.keys.account(0xAB))
                == "/vortex-ledger/0/account/000000000000000000000000000000ab"
        )
        #expect(
            Self.text(Self.keys.transfer(.max))
                == "/vortex-ledger/0/transfer/ffffffffffffffffffffffffffffffff"
        )
        #expect(
            Self.text(Self.keys.request(driverID: 0x1F, sequence: 7))
                == "/vortex-ledger/0/request/000000000000001f/7"
        )
        #expect(Self.text(LedgerKeys(cluster: "12").head) == "/vortex-ledger/12/head")
    }

    @Test func headRoundTripsAndRefusesOtherSizes() {
        let value = LedgerValues.head(lastTimestamp: 0x0102_0304_0506_0708)
        #expect([UInt8](value) == [8, 7, 6, 5, 4, 3, 2, 1])
        #expect(LedgerValues.lastTimestamp(fromHead: value) == 0x0102_0304_0506_0708)
        #expect(LedgerValues.lastTimestamp(fromHead: Data([1, 2, 3])) == nil)
    }

    @Test func accountRoundTripsAndRefusesOtherSizes() {
        let account = Fixture.stored(5, debitsPosted: UInt128.max - 1, creditsPosted: 3)
        let value = LedgerValues.account(account)
        #expect(value.count == Account.byteCount)
        #expect(LedgerValues.account(from: value) == account)
        #expect(LedgerValues.account(from: value.prefix(100)) == nil)
    }

    @Test func transferAndRetiredIDRoundTrip() {
        var transfer = Fixture.transfer(9, from: 1, to: 2, amount: 77)
        transfer.timestamp = 1_234
        let created = LedgerValues.transfer(.created(transfer))
        #expect(created.count == Transfer.byteCount)
        #expect(LedgerValues.transfer(from: created) == .created(transfer))

        let retired = LedgerValues.transfer(.retired(.exceedsCredits))
        #expect([UInt8](retired) == [54, 0, 0, 0])
        #expect(LedgerValues.transfer(from: retired) == .retired(.exceedsCredits))
        #expect(LedgerValues.transfer(from: Data([200, 0, 0, 0])) == nil)
        #expect(LedgerValues.transfer(from: Data([1, 2])) == nil)
    }

    @Test func storedResultsRoundTripAndMustMatchTheRequest() {
        let results = [
            CreateResult(timestamp: 10, status: CreateTransferStatus.created.rawValue),
            CreateResult(timestamp: 11, status: CreateTransferStatus.exceedsCredits.rawValue),
        ]
        let value = LedgerValues.results(results)
        #expect(value.count == 2 * CreateResult.byteCount)
        #expect(LedgerValues.results(from: value, count: 2) == results)
        #expect(LedgerValues.results(from: value, count: 3) == nil)
        #expect(LedgerValues.results(from: Data(), count: 0) == [])
    }

    @Test func sparseRepliesListOnlyTheFailures() {
        let created = CreateTransferStatus.created.rawValue
        let failed = CreateTransferStatus.exceedsCredits.rawValue
        let results = [
            CreateResult(timestamp: 10, status: created),
            CreateResult(timestamp: 11, status: failed),
            CreateResult(timestamp: 12, status: created),
        ]
        #expect(
            CreateReply.reply(results, for: .createTransfersSparse)
                == DriverReply(.errorResults([ErrorResult(index: 1, status: failed)]))
        )
        #expect(
            CreateReply.reply(results, for: .createTransfers)
                == DriverReply(.createResults(results))
        )
    }
}
