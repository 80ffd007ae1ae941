// Jepsen's history.edn and Knossos's data files through HistoryParser: the shapes both write
// (one map per line, or one vector of maps), independent-key tuples, times, the EDN syntax a
// writer may use, and the line each error names.

import Linearizability
import Testing

@Suite struct EDNParserTests {
    @Test func aKnossosVectorOfMapsSkipsTheNemesis() throws {
        let text = """
            [{:process 0, :type :invoke, :f :write, :value 1}
             {:process 0, :type :ok, :f :write, :value 1}
             {:process :nemesis, :type :info, :f :start, :value nil}
             {:process 1, :type :invoke, :f :cas, :value [1 2]}
             {:process 1, :type :fail, :f :cas, :value [1 2], :error :conflict}
             {:process 2, :type :invoke, :f :read, :value nil}
             {:process 2, :type :ok, :f :read, :value nil}]
            """
        #expect(HistoryFormat.detect(in: text) == .edn)
        let history = try HistoryParser.parse(text, format: .edn, source: "k.edn")
        let operations = history.operations
        #expect(operations.count == 3)
        #expect(Set(operations.map(\.key)) == [0])
        #expect(operations[1].call == .cas(from: 1, to: 2) && operations[1].outcome == .failed)
        #expect(operations[1].error == "conflict")
        #expect(operations[2].observed == .absent && operations[2].invokeLine == 6)
        // Positions stand in for times: the read starts after the write ended.
        #expect(operations[2].invokeTimeUs > operations[0].completeTimeUs ?? .max)
        #expect(LinearizabilityChecker().check(history).verdict == .notLinearizable)
    }

    @Test func independentKeysTimesAndAnInfoWithoutItsKey() throws {
        let text = """
            {:index 0 :time 1000000 :type :invoke :f :write :value [3 1] :process 0}
            {:index 1 :time 2000000 :type :invoke :f :cas :value [4 [1 2]] :process 1}
            {:index 2 :time 3000000 :type :ok :f :write :value [3 1] :process 0}
            {:index 3 :time 4000000 :type :info :f :cas :value nil :process 1 :error "timeout"}
            {:index 4 :time 5000000 :type :invoke :f :read :value [3 nil] :process 0}
            {:index 5 :time 6000000 :type :ok :f :read :value [3 1] :process 0}
            """
        #expect(HistoryFormat.detect(in: text) == .edn)
        let history = try HistoryParser.parse(text, format: .edn, source: "h.edn")
        let byKey = Dictionary(grouping: history.operations, by: \.key)
        #expect(Set(byKey.keys) == [3, 4])
        let cas = try #require(byKey[4]?.first)
        #expect(cas.call == .cas(from: 1, to: 2) && cas.outcome == .unknown)
        #expect(cas.error == "timeout")
        let write = try #require(byKey[3]?.first)
        #expect(write.invokeTimeUs == 1000 && write.completeTimeUs == 3000, ":time is in ns")
        #expect(byKey[3]?.last?.observed == .integer(1))
        #expect(LinearizabilityChecker().check(history).verdict == .linearizable)
    }

    @Test func tagsCommentsDiscardsAndCommasAreEDN() throws {
        let text = """
            ; written by a Jepsen test
            #jepsen.history.Op{:index 0, :type :invoke, :f :write, :value 5, :process 0}
            #_ {:process 9, :type :invoke, :f :write, :value 99}
            #jepsen.history.Op{:index 1, :type :ok, :f :write, :value 5, :process 0,,}
            {:type :invoke, :f :read, :value nil, :process 1, :extra #{:a "b\\"c" 1.5 3/4 \\x}}
            {:type :ok, :f :read, :value 5, :process 1}
            """
        #expect(HistoryFormat.detect(in: text) == .edn)
        let history = try HistoryParser.parse(text, format: .edn, source: "t.edn")
        #expect(history.operations.count == 2)
        #expect(history.operations.map(\.process) == [0, 1])
        #expect(history.operations[1].observed == .integer(5))
    }

    @Test func writtenEventsReadBackWithTheirErrorText() throws {
        let error = "lost \"leader\"\\ at\tterm\n3 \u{1} é"
        let events = [
            HistoryEvent(
                process: 4,
                type: .invoke,
                function: .cas,
                key: 9,
                value: .pair(from: 1, to: 2),
                timeUs: 10
            ),
            HistoryEvent(
                process: 4,
                type: .info,
                function: .cas,
                key: 9,
                value: nil,
                timeUs: 20,
                error: error
            ),
        ]
        let text = events.map(\.ednLine).joined(separator: "\n")
        let history = try HistoryParser.parse(text, format: .edn, source: "w.edn")
        let operation = try #require(history.operations.first)
        #expect(operation.key == 9 && operation.call == .cas(from: 1, to: 2))
        #expect(operation.outcome == .unknown && operation.error == error)
        #expect(operation.invokeTimeUs == 10)
    }

    @Test(
        arguments: [
            ("{:process 0, :type :invoke, :f :write, :value 1", 1, "ends before"),
            (
                "{:process 0 :type :invoke :f :write :value 1}\n{:type :ok :f :write}", 2,
                "missing :process"
            ),
            ("{:process 0, :type :invoke, :f :append, :value 1}", 1, ":f must be"),
            ("{:process 0, :type :begin, :f :read}", 1, ":type must be"),
            ("{:process 0, :type :invoke, :f :write, :value \"x\"}", 1, ":value must be"),
            ("\n\n{:process 0, :type :invoke, :f :write, :value [-1 2]}", 3, "non-negative"),
            ("{:process 0, :type :invoke, :f :write :value}", 1, "key without a value"),
            ("{:process 0, :type :ok, :f :read, :value 1}", 1, "never invoked"),
        ]
    )
    func badInputNamesItsLine(text: String, line: Int, reason: String) {
        #expect {
            try HistoryParser.parse(text, format: .edn, source: "bad.edn")
        } throws: { error in
            guard let error = error as? HistoryError else { return false }
            return error.source == "bad.edn" && error.line == line && error.reason.contains(reason)
        }
    }

    @Test func aJepsenLogWhoseLinesStartWithABracketIsStillALog() {
        let text = "[2018-02-02 10:00:00] INFO jepsen.util - 0\t:invoke\t:read\tnil\n"
        #expect(HistoryFormat.detect(in: text) == .jepsen)
    }

    /// Pieces of EDN and of broken EDN that a corrupt or foreign file may hold.
    static let fuzzPieces = [
        "{", "}", "[", "]", "(", ")", "#{", "#_", "#tag", ":process", ":type", ":invoke", ":ok",
        ":info", ":f", ":read", ":write", ":cas", ":value", "nil", "0", "1", "-3", "[1 2]", "\"",
        "\"s\"", "\\", ";", "\n", " ", ",", "1.5", "x", ":nemesis", "#_#_#_",
    ]

    @Test func anyTextIsReadOrRejectedWithALine() {
        var random = SplitMixRandom(seed: 42)
        for round in 0..<2_000 {
            let count = Int.random(in: 1...60, using: &random)
            let text = (0..<count).map { _ in
                Self.fuzzPieces[Int.random(in: 0..<Self.fuzzPieces.count, using: &random)]
            }.joined(separator: round % 2 == 0 ? " " : "")
            do {
                _ = try HistoryParser.parse(text, format: .edn, source: "fuzz.edn")
            } catch {
                #expect(error.source == "fuzz.edn" && !error.reason.isEmpty, "\(text)")
            }
        }
        let deep = String(repeating: "#_", count: 100_000) + "{}"
        #expect(throws: HistoryError.self) {
            try HistoryParser.parse(deep, format: .edn, source: "deep.edn")
        }
    }
}
