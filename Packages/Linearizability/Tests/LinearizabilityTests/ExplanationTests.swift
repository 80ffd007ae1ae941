// The explanation of a violation: the minimal set of a small hand-made violation is exactly the
// operations that cannot be ordered, and anomaly.html draws one lane per process, highlights
// that set and needs nothing from the network.

import Linearizability
import Testing

@Suite struct ExplanationTests {
    /// write 1, then write 2, then a read of 1, among operations that play no part.
    static func staleRead() -> (history: History, culprits: [Int]) {
        var builder = HistoryBuilder()
        let first = builder.add(0, .write(1), 0, 10)
        builder.read(3, 1, 2, nil)  // before the first write: fine
        builder.read(4, 11, 12, 1)  // between the writes: fine
        let second = builder.add(1, .write(2), 20, 30)
        builder.add(4, .write(9), 21, 25, outcome: .failed)
        let stale = builder.read(2, 40, 50, 1)
        builder.add(3, .write(3), 60, 70)
        builder.read(0, 80, 90, 3)
        return (builder.history, [first, second, stale])
    }

    @Test func minimalSetOfAStaleReadIsTheTwoWritesAndTheRead() throws {
        let (history, culprits) = Self.staleRead()
        let check = LinearizabilityChecker().check(history)
        let violation = try #require(check.violations.first?.violation)
        #expect(violation.minimal == culprits)
        #expect(violation.minimalIsComplete)
        #expect(violation.blocked == [culprits[2]])
        #expect(!violation.linearizedPrefix.contains(culprits[2]))
    }

    @Test func minimalSetKeepsTheWritesAReadCouldHaveSeen() throws {
        // Two writes of 1 precede the overwrite: both must stay, or the subset would blame the
        // read for a write merely left out.
        var builder = HistoryBuilder()
        let a = builder.add(0, .write(1), 0, 10)
        let b = builder.add(1, .write(1), 12, 15)
        let c = builder.add(1, .write(2), 20, 30)
        let d = builder.read(2, 40, 50, 1)
        let violation = try #require(
            LinearizabilityChecker().check(builder.history).violations.first?.violation
        )
        #expect(violation.minimal == [a, b, c, d])
    }

    @Test func readOfAValueNeverWrittenIsItsOwnExplanation() throws {
        var builder = HistoryBuilder()
        builder.add(0, .write(1), 0, 10)
        let bad = builder.read(1, 20, 30, 42)
        builder.read(2, 40, 50, 1)
        let violation = try #require(
            LinearizabilityChecker().check(builder.history).violations.first?.violation
        )
        #expect(violation.minimal == [bad])
    }

    @Test func pageHasOneLanePerProcessAndNoNetwork() throws {
        let (history, culprits) = Self.staleRead()
        let check = LinearizabilityChecker().check(history)
        let html = AnomalyPage.render(history, check)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.ranges(of: "<g class=\"lane\">").count == history.processes.count)
        #expect(!html.contains("http"))
        #expect(!html.contains("<script"))
        let highlighted = html.split(separator: "<g class=\"op").dropFirst().filter { bar in
            bar.prefix { $0 != "\"" }.contains("minimal")
        }
        #expect(highlighted.count == culprits.count)
        #expect(html.contains("write 1"))
        #expect(html.contains("read → 1"))
        #expect(html.contains("write 9 ✗"))
    }

    @Test func pageEscapesTheSourceName() {
        var builder = HistoryBuilder()
        builder.add(0, .write(1), 0, 10)
        let history = History(operations: builder.operations, source: "<b>&")
        let html = AnomalyPage.render(history, LinearizabilityChecker().check(history))
        #expect(html.contains("&lt;b&gt;&amp;"))
        #expect(!html.contains("<b>&"))
    }

    @Test func casLabelsShowBothValues() {
        var builder = HistoryBuilder()
        let id = builder.add(0, .cas(from: 3, to: 4), 0, 10)
        #expect(builder.history.operations[id].label == "cas 3→4")
        builder.add(1, .write(7), 0, nil)
        #expect(builder.history.operations[1].label == "write 7 ?")
    }
}
