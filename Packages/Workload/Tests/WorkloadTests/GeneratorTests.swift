// Generator tests: the PRNG's sequence is pinned (values computed independently with a Python
// xoshiro256**/splitmix64), a seed always yields the same requests, and the configured limits and
// the original's distributions hold.

import Testing
import Workload

@Suite struct GeneratorTests {
    @Test func prngSequenceIsPinned() {
        var zero = SeededRandom(seed: 0)
        #expect(
            (0..<4).map { _ in zero.next() } == [
                0x99ec_5f36_cb75_f2b4, 0xbf6e_1f78_4956_452a, 0x1a5f_849d_4933_e6e0,
                0x6aa5_94f1_262d_2d2c,
            ]
        )
        var answer = SeededRandom(seed: 42)
        #expect(
            (0..<4).map { _ in answer.next() } == [
                0x1578_0b2e_0c2e_c716, 0x6104_d986_6d11_3a7e, 0xae17_5332_39e4_99a1,
                0xecb8_ad47_03b3_60a1,
            ]
        )
    }

    @Test func uniformDrawsStayInRange() {
        var random = SeededRandom(seed: 7)
        for _ in 0..<10_000 {
            #expect((1...100).contains(random.uniform(in: 1...100)))
            #expect(random.uniform(below: 3) < 3)
            let id = random.nonZeroID()
            #expect(id != 0 && id != .max)
        }
        #expect(random.weightedIndex([0, 0]) == nil)
        #expect(random.weightedIndex([0, 5, 0]) == 1)
    }

    /// Runs `steps` requests against a model fed with correct replies.
    static func run(
        seed: UInt64,
        steps: Int,
        configuration: WorkloadConfiguration = WorkloadConfiguration()
    ) throws -> [PlannedRequest] {
        var generator = WorkloadGenerator(seed: seed, configuration: configuration)
        var model = LedgerModel(recentTransferCapacity: configuration.maximumEventsPerRequest)
        var planned: [PlannedRequest] = []
        for _ in 0..<steps {
            let candidate = generator.next(model: model)
            let next = try #require(candidate)
            try model.reconcile(
                next.request,
                model.expectedReply(for: next.request),
                command: next.command
            )
            planned.append(next)
        }
        return planned
    }

    @Test func sameSeedSameRequests() throws {
        let configuration = WorkloadConfiguration(maximumEventsPerRequest: 64)
        let first = try Self.run(seed: 1234, steps: 200, configuration: configuration)
        let second = try Self.run(seed: 1234, steps: 200, configuration: configuration)
        #expect(first == second)
        let other = try Self.run(seed: 1235, steps: 200, configuration: configuration)
        #expect(first != other)
    }

    @Test func firstRequestCreatesAccounts() throws {
        let planned = try Self.run(seed: 99, steps: 1)
        #expect(planned[0].command == .createAccounts)
        #expect(planned[0].request.operation == .createAccounts)
        let sparse = try Self.run(
            seed: 99,
            steps: 1,
            configuration: WorkloadConfiguration(sparseCreates: true)
        )
        #expect(sparse[0].request.operation == .createAccountsSparse)
    }

    @Test func limitsAndDistributionsHold() throws {
        let configuration = WorkloadConfiguration(maximumEventsPerRequest: 32, maximumAccounts: 10)
        let planned = try Self.run(seed: 5, steps: 2_000, configuration: configuration)
        var commands: [WorkloadCommand: Int] = [:]
        for step in planned {
            commands[step.command, default: 0] += 1
            #expect(step.request.eventCount >= 1)
            #expect(step.request.eventCount <= 32)
            if case .transfers(let transfers) = step.request.events,
                step.command == .createTransfers
            {
                for transfer in transfers where transfer.id != 0 && transfer.code != 0 {
                    #expect(transfer.amount <= 1 << 32)
                    #expect(transfer.ledger == 1)
                    #expect((1...100).contains(transfer.code))
                }
            }
        }
        // Every command runs; create_transfers dominates (weight 20 of 26 once accounts exist).
        #expect(Set(commands.keys) == Set(WorkloadCommand.allCases))
        #expect(try #require(commands[.createTransfers]) > planned.count / 2)
    }

    @Test func accountLimitHolds() throws {
        var generator = WorkloadGenerator(
            seed: 8,
            configuration: WorkloadConfiguration(
                maximumEventsPerRequest: 512,
                maximumAccounts: 10,
                invalidEventsPer1024: 0
            )
        )
        var model = LedgerModel()
        for _ in 0..<300 {
            let candidate = generator.next(model: model)
            let next = try #require(candidate)
            try model.reconcile(
                next.request,
                model.expectedReply(for: next.request),
                command: next.command
            )
            #expect(model.accounts.count <= 10)
        }
        #expect(model.accounts.count == 10)
        #expect(model.transfersCreated > 0)
    }

    @Test func invalidEventsCoverTheFailureStatuses() throws {
        let configuration = WorkloadConfiguration(
            maximumEventsPerRequest: 256,
            invalidEventsPer1024: 256
        )
        var generator = WorkloadGenerator(seed: 77, configuration: configuration)
        var model = LedgerModel()
        var transferStatuses: Set<UInt32> = []
        var accountStatuses: Set<UInt32> = []
        for _ in 0..<400 {
            let candidate = generator.next(model: model)
            let next = try #require(candidate)
            let reply = model.expectedReply(for: next.request)
            if case .createResults(let results) = reply.results {
                let statuses = Set(results.map(\.status))
                if next.request.operation == .createAccounts {
                    accountStatuses.formUnion(statuses)
                } else {
                    transferStatuses.formUnion(statuses)
                }
            }
            try model.reconcile(next.request, reply, command: next.command)
        }
        let expectedTransfer: [CreateTransferStatus] = [
            .created, .exists, .idMustNotBeZero, .debitAccountNotFound, .creditAccountNotFound,
            .accountsMustBeDifferent, .codeMustNotBeZero, .existsWithDifferentAmount,
        ]
        #expect(transferStatuses == Set(expectedTransfer.map(\.rawValue)))
        let expectedAccount: [CreateAccountStatus] = [
            .created, .exists, .idMustNotBeZero, .ledgerMustNotBeZero, .codeMustNotBeZero,
            .existsWithDifferentCode,
        ]
        #expect(accountStatuses == Set(expectedAccount.map(\.rawValue)))
    }
}
