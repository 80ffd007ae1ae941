// The checker's semantics on small hand-made histories: real-time order, concurrency, failed and
// unknown outcomes, cas on an absent key, independent keys, and the effort bound.

import Linearizability
import Testing

@Suite struct CheckerTests {
    let checker = LinearizabilityChecker()

    @Test func sequentialWritesAndReadsAreLinearizable() {
        var builder = HistoryBuilder()
        builder.read(0, 0, 1, nil)
        builder.add(0, .write(1), 2, 3)
        builder.read(1, 4, 5, 1)
        builder.add(1, .cas(from: 1, to: 2), 6, 7)
        builder.read(0, 8, 9, 2)
        #expect(checker.check(builder.history).verdict == .linearizable)
    }

    @Test func staleReadAfterACompletedWriteIsNotLinearizable() {
        var builder = HistoryBuilder()
        builder.add(0, .write(1), 0, 10)
        builder.add(1, .write(2), 20, 30)
        builder.read(2, 40, 50, 1)
        #expect(checker.check(builder.history).verdict == .notLinearizable)
    }

    @Test func concurrentReadMaySeeEitherValue() {
        for seen in [1, 2] {
            var builder = HistoryBuilder()
            builder.add(0, .write(1), 0, 10)
            builder.add(1, .write(2), 20, 30)
            builder.read(2, 25, 50, seen)
            #expect(checker.check(builder.history).verdict == .linearizable, "read → \(seen)")
        }
    }

    @Test func unknownWriteMayTakeEffectLateOrNever() {
        var late = HistoryBuilder()
        late.add(0, .write(1), 0, 10)
        late.add(1, .write(2), 5, nil)  // unknown outcome
        late.read(2, 100, 110, 1)
        late.read(2, 200, 210, 2)  // took effect between the reads
        #expect(checker.check(late.history).verdict == .linearizable)

        var never = HistoryBuilder()
        never.add(0, .write(1), 0, 10)
        never.add(1, .write(2), 5, nil)
        never.read(2, 100, 110, 1)
        #expect(checker.check(never.history).verdict == .linearizable)

        var beforeInvocation = HistoryBuilder()
        beforeInvocation.read(2, 0, 1, 2)
        beforeInvocation.add(1, .write(2), 5, nil)
        #expect(checker.check(beforeInvocation.history).verdict == .notLinearizable)
    }

    @Test func unknownWriteCannotComeBackAfterBeingOverwrittenAndRead() {
        var builder = HistoryBuilder()
        builder.add(1, .write(2), 0, nil)
        builder.read(0, 10, 20, 2)
        builder.add(0, .write(3), 30, 40)
        builder.read(0, 50, 60, 3)
        builder.read(0, 70, 80, 2)  // the one write of 2 was already used
        #expect(checker.check(builder.history).verdict == .notLinearizable)
    }

    @Test func identicalUnknownWritesEachTakeEffectAtMostOnce() {
        // Two writes of 2 of unknown outcome can explain two returns of 2 after overwrites,
        // not three.
        var builder = HistoryBuilder()
        builder.add(1, .write(2), 0, nil)
        builder.add(2, .write(2), 1, nil)
        builder.add(0, .write(3), 10, 20)
        builder.read(0, 30, 40, 2)
        builder.add(0, .write(3), 50, 60)
        builder.read(0, 70, 80, 2)
        #expect(checker.check(builder.history).verdict == .linearizable)
        builder.add(0, .write(3), 90, 100)
        builder.read(0, 110, 120, 2)
        #expect(checker.check(builder.history).verdict == .notLinearizable)
    }

    @Test func valueWrittenOnlyLaterIsCaughtBeforeTheSearch() throws {
        var builder = HistoryBuilder()
        for process in 10..<30 {  // enough unknown outcomes to make a search expensive
            builder.add(process, .write(process % 3), Int64(process), nil)
        }
        let early = builder.read(0, 0, 50, 5)
        builder.add(1, .write(5), 60, 70)
        let check = checker.check(builder.history)
        #expect(check.verdict == .notLinearizable)
        #expect(check.keys[0].exploredStates == 0)
        #expect(check.violations.first?.violation?.minimal == [early])
        #expect(checker.verdict(of: builder.operations) == .notLinearizable)
    }

    @Test func casFromAValueDoesNotWriteItForItself() {
        var alone = HistoryBuilder()
        alone.add(0, .cas(from: 3, to: 3), 0, 10)
        #expect(checker.check(alone.history).verdict == .notLinearizable)

        var written = HistoryBuilder()
        written.add(1, .write(3), 0, 5)
        written.add(0, .cas(from: 3, to: 3), 6, 10)
        #expect(checker.check(written.history).verdict == .linearizable)
    }

    @Test func failedWriteHasNoEffect() {
        var builder = HistoryBuilder()
        builder.add(0, .write(1), 0, 10)
        builder.add(1, .write(2), 20, 30, outcome: .failed)
        builder.read(2, 40, 50, 2)
        #expect(checker.check(builder.history).verdict == .notLinearizable)
    }

    @Test func casOnAnAbsentKeyFails() {
        var succeeded = HistoryBuilder()
        succeeded.add(0, .cas(from: 0, to: 1), 0, 10)
        #expect(checker.check(succeeded.history).verdict == .notLinearizable)

        var failed = HistoryBuilder()
        failed.add(0, .cas(from: 0, to: 1), 0, 10, outcome: .failed)
        failed.read(0, 20, 30, nil)
        #expect(checker.check(failed.history).verdict == .linearizable)
    }

    @Test func unknownCasMayApplyOrNot() {
        var applied = HistoryBuilder()
        applied.add(0, .write(1), 0, 10)
        applied.add(1, .cas(from: 1, to: 5), 20, nil)
        applied.read(0, 30, 40, 5)
        #expect(checker.check(applied.history).verdict == .linearizable)

        var notApplied = applied
        notApplied = HistoryBuilder()
        notApplied.add(0, .write(1), 0, 10)
        notApplied.add(1, .cas(from: 1, to: 5), 20, nil)
        notApplied.read(0, 30, 40, 1)
        #expect(checker.check(notApplied.history).verdict == .linearizable)
    }

    @Test func readsOfUnknownOutcomeConstrainNothing() {
        var builder = HistoryBuilder()
        builder.add(0, .write(1), 0, 10)
        builder.add(1, .read, 20, nil)
        #expect(checker.check(builder.history).verdict == .linearizable)
        #expect(checker.check(builder.history).keys[0].checkedOperationCount == 1)
    }

    @Test func keysAreCheckedIndependently() {
        var builder = HistoryBuilder()
        builder.add(0, .write(1), 0, 10, key: 0)
        builder.read(1, 20, 30, 1, key: 0)
        builder.add(0, .write(1), 0, 10, key: 7)
        builder.add(1, .write(2), 20, 30, key: 7)
        builder.read(2, 40, 50, 1, key: 7)
        builder.read(3, 40, 50, nil, key: 3)
        let check = checker.check(builder.history)
        #expect(check.keys.map(\.key) == [0, 3, 7])
        #expect(check.keys.map(\.verdict) == [.linearizable, .linearizable, .notLinearizable])
        #expect(check.violations.map(\.key) == [7])
        #expect(check.verdict == .notLinearizable)
    }

    @Test func touchingOperationsCountAsConcurrent() {
        var builder = HistoryBuilder()
        builder.add(0, .write(1), 0, 10)
        builder.read(1, 10, 20, nil)  // invoked when the write returned
        #expect(checker.check(builder.history).verdict == .linearizable)
    }

    @Test func effortBoundEndsInUnknown() {
        var simulation = RegisterSimulation()
        simulation.operationCount = 400
        simulation.activeKeyCount = 1
        simulation.operationsPerKey = 400
        simulation.unknownPercent = 30
        let history = simulation.run(seed: 3)
        let bounded = LinearizabilityChecker(limits: CheckLimits(maximumExploredStates: 20))
        let check = bounded.check(history)
        #expect(check.verdict == .unknown)
        #expect(check.keys[0].unknownReason?.contains("state limit") == true)
        let small = LinearizabilityChecker(limits: CheckLimits(maximumMemoryBytes: 4_096))
        #expect(small.check(history).verdict == .unknown)
        let past = LinearizabilityChecker(limits: .within(.zero))
        #expect(past.check(history).verdict != .notLinearizable)
    }
}
