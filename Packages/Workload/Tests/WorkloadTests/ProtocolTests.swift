// Codec tests: every layout of the driver protocol against bytes computed by hand from
// TigerBeetle's extern-struct layouts, plus the malformed inputs a driver can produce.

import Testing
import Workload

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ProtocolTests {
    /// Every field distinct, with multi-byte values that expose a byte-order mistake.
    static let account = Account(
        id: 0x11,
        debitsPending: 0x2222,
        debitsPosted: UInt128(1) << 64,
        creditsPending: .max,
        creditsPosted: 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10,
        userData128: 0,
        userData64: 0x0102_0304_0506_0708,
        userData32: 0xdead_beef,
        reserved: 0,
        ledger: 1,
        code: 0x0102,
        flags: [.linked, .history],
        timestamp: 0x1122_3344_5566_7788
    )

    static let accountHex =
        "11" + zeroHex(15)  // id @0
        + "2222" + zeroHex(14)  // debits_pending @16
        + zeroHex(8) + "01" + zeroHex(7)  // debits_posted @32
        + String(repeating: "ff", count: 16)  // credits_pending @48
        + "100f0e0d0c0b0a090807060504030201"  // credits_posted @64
        + zeroHex(16)  // user_data_128 @80
        + "0807060504030201"  // user_data_64 @96
        + "efbeadde"  // user_data_32 @104
        + "00000000"  // reserved @108
        + "01000000"  // ledger @112
        + "0201"  // code @116
        + "0900"  // flags @118: linked | history
        + "8877665544332211"  // timestamp @120

    static let transfer = Transfer(
        id: UInt128.max - 1,
        debitAccountID: 0x0a,
        creditAccountID: 0x0b00,
        amount: 0x1_0000_0000,
        pendingID: 0x0c,
        userData128: UInt128(0xee) << 120,
        userData64: 7,
        userData32: 8,
        timeout: 0x0102_0304,
        ledger: 0xffff_fffe,
        code: 100,
        flags: [.pending, .balancingCredit, .imported],
        timestamp: 1
    )

    static let transferHex =
        "fe" + String(repeating: "ff", count: 15)  // id @0
        + "0a" + zeroHex(15)  // debit_account_id @16
        + "000b" + zeroHex(14)  // credit_account_id @32
        + "0000000001" + zeroHex(11)  // amount @48
        + "0c" + zeroHex(15)  // pending_id @64
        + zeroHex(15) + "ee"  // user_data_128 @80
        + "0700000000000000"  // user_data_64 @96
        + "08000000"  // user_data_32 @104
        + "04030201"  // timeout @108
        + "feffffff"  // ledger @112
        + "6400"  // code @116
        + "2201"  // flags @118: pending (1) | balancing_credit (5) | imported (8)
        + "0100000000000000"  // timestamp @120

    @Test func accountLayout() throws {
        var bytes: [UInt8] = []
        Self.account.encode(into: &bytes)
        #expect(bytes == hexBytes(Self.accountHex))
        #expect(bytes.count == Account.byteCount)
        #expect(try Account(decoding: bytes[...]) == Self.account)
    }

    @Test func transferLayout() throws {
        var bytes: [UInt8] = []
        Self.transfer.encode(into: &bytes)
        #expect(bytes == hexBytes(Self.transferHex))
        #expect(try Transfer(decoding: bytes[...]) == Self.transfer)
    }

    @Test func flagBitsAreTigerBeetles() {
        #expect(AccountFlags.closed.rawValue == 0x20)
        #expect(AccountFlags.imported.rawValue == 0x10)
        #expect(TransferFlags.closingCredit.rawValue == 0x80)
        #expect(TransferFlags.voidPendingTransfer.rawValue == 0x08)
        #expect(TransferFlags.imported.rawValue == 0x100)
    }

    @Test func createResultLayout() throws {
        let result = CreateResult(
            timestamp: 0x0102,
            status: CreateTransferStatus.created.rawValue
        )
        var bytes: [UInt8] = []
        result.encode(into: &bytes)
        #expect(bytes == hexBytes("0201000000000000 ffffffff 00000000"))
        let decoded = try CreateResult(decoding: bytes[...])
        #expect(decoded == result)
        #expect(decoded.transferStatus == .created)
        let exists = try CreateResult(decoding: hexBytes("0000000000000000 2e000000 00000000")[...])
        #expect(exists.transferStatus == .exists)
        #expect(exists.accountStatus == nil)  // 46 is not an account status
    }

    @Test func errorResultLayout() throws {
        let result = ErrorResult(index: 3, status: CreateAccountStatus.exists.rawValue)
        var bytes: [UInt8] = []
        result.encode(into: &bytes)
        #expect(bytes == hexBytes("03000000 15000000"))
        #expect(try ErrorResult(decoding: bytes[...]) == result)
    }

    @Test func statusValuesAreTigerBeetles() {
        #expect(CreateAccountStatus.created.rawValue == 0xFFFF_FFFF)
        #expect(CreateAccountStatus.exists.rawValue == 21)
        #expect(CreateAccountStatus.existsWithDifferentFlags.rawValue == 15)
        #expect(CreateAccountStatus.idMustNotBeZero.rawValue == 6)
        #expect(CreateTransferStatus.exists.rawValue == 46)
        #expect(CreateTransferStatus.debitAccountNotFound.rawValue == 21)
        #expect(CreateTransferStatus.creditAccountNotFound.rawValue == 22)
        #expect(CreateTransferStatus.accountsMustBeDifferent.rawValue == 12)
        #expect(CreateTransferStatus.idMustNotBeZero.rawValue == 5)
        #expect(CreateTransferStatus.idAlreadyFailed.rawValue == 68)
        // Dense numbering with no gaps besides `created`, as TigerBeetle asserts.
        #expect(CreateAccountStatus.allCases.count == 28)
        #expect(CreateTransferStatus.allCases.count == 70)
    }

    @Test func createAccountsRequest() throws {
        let request = DriverRequest.createAccounts([Self.account, Self.account])
        let bytes = request.encode()
        #expect(bytes == hexBytes("92 02000000" + Self.accountHex + Self.accountHex))
        #expect(bytes == DriverRequest.encodeCreateAccounts([Self.account, Self.account]))
        #expect(try DriverRequest.decode(bytes[...]) == request)
        let sparse = DriverRequest.encodeCreateAccounts([Self.account], sparse: true)
        #expect(Array(sparse.prefix(5)) == hexBytes("8a 01000000"))
    }

    @Test func createTransfersRequest() throws {
        let bytes = DriverRequest.encodeCreateTransfers([Self.transfer])
        #expect(bytes == hexBytes("93 01000000" + Self.transferHex))
        let decoded = try DriverRequest.decode(bytes[...])
        #expect(decoded.operation == .createTransfers)
        #expect(decoded.events == .transfers([Self.transfer]))
        let sparse = DriverRequest.encodeCreateTransfers([], sparse: true)
        #expect(sparse == hexBytes("8b 00000000"))
    }

    @Test func lookupRequest() throws {
        let bytes = DriverRequest.encodeLookup([1, UInt128(2) << 64])
        #expect(
            bytes
                == hexBytes(
                    "8c 02000000" + "01" + zeroHex(15) + zeroHex(8) + "02" + zeroHex(7)
                )
        )
        #expect(try DriverRequest.decode(bytes[...]) == .lookupAccounts([1, UInt128(2) << 64]))
        let transfers = DriverRequest.encodeLookup([3], operation: .lookupTransfers)
        #expect(transfers == hexBytes("8d 01000000 03" + zeroHex(15)))
    }

    @Test func replies() throws {
        let createRequest = DriverRequest.createTransfers([Self.transfer])
        let created = DriverReply(.createResults([CreateResult(timestamp: 9, status: 46)]))
        let createdBytes = created.encode()
        #expect(createdBytes == hexBytes("01000000 0900000000000000 2e000000 00000000"))
        #expect(try DriverReply.decode(createdBytes[...], for: createRequest) == created)

        let lookupRequest = DriverRequest.lookupAccounts([0x11, 0x12])
        let found = DriverReply(.accounts([Self.account]))
        let foundBytes = found.encode()
        #expect(foundBytes == hexBytes("01000000" + Self.accountHex))
        #expect(try DriverReply.decode(foundBytes[...], for: lookupRequest) == found)

        let sparseRequest = DriverRequest.createAccounts(
            [Self.account, Self.account],
            sparse: true
        )
        let errors = DriverReply(.errorResults([ErrorResult(index: 1, status: 21)]))
        #expect(errors.encode() == hexBytes("01000000 01000000 15000000"))
        #expect(try DriverReply.decode(errors.encode()[...], for: sparseRequest) == errors)

        let transferLookup = DriverRequest.lookupTransfers([1])
        let transfers = DriverReply(.transfers([Self.transfer]))
        #expect(try DriverReply.decode(transfers.encode()[...], for: transferLookup) == transfers)
    }

    @Test func malformedRequests() {
        #expect(throws: ProtocolError.self) {
            try DriverRequest.decode(hexBytes("01 00000000")[...])
        }
        #expect(throws: ProtocolError.self) { try DriverRequest.decode(hexBytes("8c 0100")[...]) }
        // One id announced, 15 bytes sent.
        #expect(throws: ProtocolError.self) {
            try DriverRequest.decode(hexBytes("8c 01000000" + zeroHex(15))[...])
        }
        // One id announced, 17 bytes sent.
        #expect(throws: ProtocolError.self) {
            try DriverRequest.decode(hexBytes("8c 01000000" + zeroHex(17))[...])
        }
        #expect(throws: ProtocolError.self) {
            try DriverRequest(operation: .createAccounts, events: .ids([1]))
        }
        #expect(throws: ProtocolError.self) {
            try Account(decoding: [UInt8](repeating: 0, count: 127)[...])
        }
    }

    @Test func malformedReplies() {
        let dense = DriverRequest.createAccounts([Self.account, Self.account])
        // Dense create: one result per event, no more and no fewer.
        let oneResult = DriverReply(.createResults([CreateResult(timestamp: 1, status: 0)]))
        #expect(throws: ProtocolError.self) {
            try DriverReply.decode(oneResult.encode()[...], for: dense)
        }
        let lookup = DriverRequest.lookupAccounts([1])
        let twoAccounts = DriverReply(.accounts([Self.account, Self.account]))
        #expect(throws: ProtocolError.self) {
            try DriverReply.decode(twoAccounts.encode()[...], for: lookup)
        }
        // A count the bytes do not back up.
        #expect(throws: ProtocolError.self) {
            try DriverReply.decode(hexBytes("01000000" + zeroHex(100))[...], for: lookup)
        }
        #expect(throws: ProtocolError.self) {
            try DriverReply.decode(hexBytes("0100")[...], for: lookup)
        }
        // A sparse error for an event that does not exist, and indexes out of order.
        let sparse = DriverRequest.createTransfers([Self.transfer, Self.transfer], sparse: true)
        let outOfRange = DriverReply(.errorResults([ErrorResult(index: 2, status: 46)]))
        #expect(throws: ProtocolError.self) {
            try DriverReply.decode(outOfRange.encode()[...], for: sparse)
        }
        let unordered = DriverReply(
            .errorResults([ErrorResult(index: 1, status: 46), ErrorResult(index: 0, status: 46)])
        )
        #expect(throws: ProtocolError.self) {
            try DriverReply.decode(unordered.encode()[...], for: sparse)
        }
    }

    @Test func stdioFraming() throws {
        var requestPipe: [Int32] = [0, 0]
        var replyPipe: [Int32] = [0, 0]
        #expect(pipe(&requestPipe) == 0)
        #expect(pipe(&replyPipe) == 0)
        defer {
            close(requestPipe[0])
            close(replyPipe[0])
            close(replyPipe[1])
        }
        let driverSide = DriverStdio(input: requestPipe[0], output: replyPipe[1])
        let vortexSide = DriverStdio(input: replyPipe[0], output: requestPipe[1])

        let request = DriverRequest.lookupAccounts([0x11])
        try vortexSide.writeAll(request.encode())
        try vortexSide.writeAll(hexBytes("8c 01000000" + zeroHex(7)))  // cut short
        close(requestPipe[1])

        #expect(try driverSide.readRequest() == request)
        let reply = DriverReply(.accounts([Self.account]))
        try driverSide.writeReply(reply, for: request)
        var replyBytes = [UInt8](repeating: 0, count: reply.byteCount)
        #expect(read(replyPipe[0], &replyBytes, replyBytes.count) == reply.byteCount)
        #expect(try DriverReply.decode(replyBytes[...], for: request) == reply)

        #expect(throws: ProtocolError.self) { try driverSide.readRequest() }  // the cut request
        #expect(try driverSide.readRequest() == nil)  // clean end of input
        // A reply that does not answer the request is refused before it is written.
        #expect(throws: ProtocolError.self) {
            try driverSide.writeReply(
                DriverReply(.accounts([Self.account, Self.account])),
                for: request
            )
        }
    }

    @Test func stdioRejectsOversizedRequests() throws {
        var requestPipe: [Int32] = [0, 0]
        #expect(pipe(&requestPipe) == 0)
        defer { close(requestPipe[0]) }
        let driverSide = DriverStdio(input: requestPipe[0], output: -1, maximumEventCount: 2)
        try DriverStdio(input: -1, output: requestPipe[1]).writeAll(hexBytes("8c 03000000"))
        close(requestPipe[1])
        #expect(throws: ProtocolError.self) { try driverSide.readRequest() }
    }
}
