// The two input formats: history.jsonl (every field form, the writer's round trip) and Jepsen
// register logs (nil, cas pairs, :timed-out infos, missing completions, skipped noise), and the
// one-line errors that name the file and line of bad input.

import Foundation
import Linearizability
import Testing

@Suite struct ParserTests {
    @Test func vortexLinesPairIntoOperations() throws {
        let text = """
            {"process":0,"type":"invoke","f":"write","key":3,"value":7,"timeUs":1234}
            {"process":1,"type":"invoke","f":"read","key":3,"value":null,"timeUs":1240}

            {"process":0,"type":"ok","f":"write","key":3,"value":7,"timeUs":1300}
            {"process":1,"type":"ok","f":"read","key":3,"value":7,"timeUs":1310}
            {"process":2,"type":"invoke","f":"cas","key":4,"value":[1,2],"timeUs":1400}
            {"process":2,"type":"fail","f":"cas","key":4,"timeUs":1450,"error":"compare failed"}
            { "process" : 3 , "type" : "invoke" , "f" : "read" , "key" : 4 , "timeUs" : 1500 }
            {"process":3,"type":"ok","f":"read","key":4,"value":null,"timeUs":1510}
            {"process":4,"type":"invoke","f":"write","key":4,"value":-5,"timeUs":1600}
            {"process":4,"type":"info","f":"write","key":4,"timeUs":1700,"error":"timed out \\"x\\"\\n"}
            {"process":5,"type":"invoke","f":"cas","key":0,"value":[0,1],"timeUs":1800}
            """
        let history = try HistoryParser.parse(text, format: .vortex, source: "h.jsonl")
        let operations = history.operations
        #expect(operations.count == 6)
        #expect(operations[0].call == .write(7) && operations[0].outcome == .ok)
        #expect(operations[0].invokeTimeUs == 1234 && operations[0].completeTimeUs == 1300)
        #expect(operations[0].invokeLine == 1)
        #expect(operations[1].observed == .integer(7))
        #expect(operations[2].call == .cas(from: 1, to: 2) && operations[2].outcome == .failed)
        #expect(operations[2].error == "compare failed")
        #expect(operations[3].observed == .absent)
        #expect(operations[4].outcome == .unknown && operations[4].completeTimeUs == nil)
        #expect(operations[4].error == "timed out \"x\"\n")
        #expect(operations[4].call == .write(-5))
        #expect(operations[5].outcome == .unknown)  // no completion at all
        #expect(history.keys == [0, 3, 4])
    }

    @Test func writtenLinesParseBackToTheSameEvents() throws {
        let events = [
            HistoryEvent(
                process: 0,
                type: .invoke,
                function: .cas,
                key: 2,
                value: .pair(from: 1, to: 2),
                timeUs: 5
            ),
            HistoryEvent(
                process: 0,
                type: .info,
                function: .cas,
                key: 2,
                value: nil,
                timeUs: 9,
                error: "tab\tand \u{1}"
            ),
            HistoryEvent(
                process: 1,
                type: .invoke,
                function: .read,
                key: 2,
                value: nil,
                timeUs: 10
            ),
            HistoryEvent(
                process: 1,
                type: .ok,
                function: .read,
                key: 2,
                value: .absent,
                timeUs: 11
            ),
        ]
        let text = events.map(\.jsonLine).joined(separator: "\n") + "\n"
        #expect(
            events[2].jsonLine == #"{"process":1,"type":"invoke","f":"read","key":2,"timeUs":10}"#
        )
        let history = try HistoryParser.parse(text, format: .vortex, source: "x")
        #expect(history.operations.count == 2)
        #expect(history.operations[0].error == "tab\tand \u{1}")
        #expect(
            history.events.map(\.jsonLine) == [events[0], events[2], events[3]].map(\.jsonLine)
        )
    }

    @Test func jepsenLinesParseAsOneRegister() throws {
        let text = """
            2017-01-01 INFO  jepsen.core - some noise
            INFO  jepsen.util - 0\t:invoke\t:read\tnil
            INFO  jepsen.util - 1\t:invoke\t:write\t4
            INFO  jepsen.util - 0\t:ok\t:read\tnil
            INFO  jepsen.util - :nemesis\t:info\t:start\tnil
            INFO  jepsen.util - 2\t:invoke\t:cas\t[4 0]
            INFO  jepsen.util - 1\t:info\t:write\t:timed-out
            INFO  jepsen.util - 2\t:ok\t:cas\t[4 0]
            INFO  jepsen.util - 3\t:invoke\t:read\tnil
            INFO  jepsen.util - 3\t:ok\t:read\t0
            INFO  jepsen.util - 4\t:invoke\t:cas\t[1 2]
            INFO  jepsen.util - 4\t:fail\t:cas\t[1 2]
            INFO  jepsen.util - 5\t:invoke\t:write\t1
            """
        let history = try HistoryParser.parse(text, format: .jepsen, source: "j.log")
        let operations = history.operations
        #expect(operations.count == 6)
        #expect(Set(operations.map(\.key)) == [0])
        #expect(operations[0].observed == .absent && operations[0].invokeTimeUs == 2)
        #expect(operations[1].outcome == .unknown && operations[1].error == "timed-out")
        #expect(operations[2].call == .cas(from: 4, to: 0) && operations[2].outcome == .ok)
        #expect(operations[3].observed == .integer(0))
        #expect(operations[4].outcome == .failed)
        #expect(operations[5].outcome == .unknown && operations[5].completeTimeUs == nil)
    }

    @Test(
        arguments: [
            (
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":1,\"value\":2}", 1,
                "missing \"timeUs\""
            ),
            (
                "{\"process\":0,\"type\":\"begin\",\"f\":\"write\",\"key\":1,\"timeUs\":1}", 1,
                "\"type\""
            ),
            (
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"incr\",\"key\":1,\"timeUs\":1}", 1,
                "\"f\""
            ),
            (
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":-1,\"value\":2,\"timeUs\":1}",
                1, "non-negative"
            ),
            (
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":1,\"value\":2.5,\"timeUs\":1}",
                1, "not an integer"
            ),
            (
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":1,\"value\":2,\"timeUs\":1",
                1, "expected"
            ),
            (
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":1,\"timeUs\":1}", 1,
                "integer value"
            ),
            (
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"cas\",\"key\":1,\"value\":[1],\"timeUs\":1}",
                1, "[from, to]"
            ),
            (
                "{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"key\":1,\"timeUs\":1}", 1,
                "never invoked"
            ),
            (
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":1,\"timeUs\":1}\n{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"key\":1,\"timeUs\":2}",
                2, "value read"
            ),
            (
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":1,\"timeUs\":1}\n{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":1,\"timeUs\":2}",
                2, "invokes again"
            ),
            (
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":1,\"timeUs\":5}\n{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":1,\"value\":1,\"timeUs\":6}",
                2, "does not match"
            ),
            (
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":1,\"timeUs\":5}\n{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"key\":1,\"value\":1,\"timeUs\":4}",
                2, "before its invocation"
            ),
            ("\n\n", nil, "no operations"),
        ] as [(String, Int?, String)]
    )
    func badVortexInputNamesTheLine(text: String, line: Int?, reason: String) {
        #expect {
            try HistoryParser.parse(text, format: .vortex, source: "bad.jsonl")
        } throws: { error in
            guard let error = error as? HistoryError else { return false }
            return error.source == "bad.jsonl" && error.line == line
                && error.reason.contains(reason)
                && !error.description.contains("\n")
        }
    }

    @Test(
        arguments: [
            ("INFO  jepsen.util - x\t:invoke\t:read\tnil", 1, "not an integer"),
            ("INFO  jepsen.util - 1\t:invoke\t:incr\t1", 1, ":read, :write or :cas"),
            ("noise\nINFO  jepsen.util - 1\t:invoke\t:cas\t[3]", 2, "[from to]"),
            ("INFO  jepsen.util - 1\t:invoke\t:write\tfour", 1, "not nil"),
            ("just a log\nwith no operations\n", nil, "no operations"),
        ] as [(String, Int?, String)]
    )
    func badJepsenInputNamesTheLine(text: String, line: Int?, reason: String) {
        #expect {
            try HistoryParser.parse(text, format: .jepsen, source: "bad.log")
        } throws: { error in
            guard let error = error as? HistoryError else { return false }
            return error.line == line && error.reason.contains(reason)
        }
    }

    @Test(
        arguments: [
            ("{\"process\":0}\n", HistoryFormat.vortex),
            ("\n  \n{\"process\":0}", .vortex),
            ("", .vortex),
            ("INFO  jepsen.core - starting\nINFO  jepsen.util - 0\t:invoke\t:read\tnil\n", .jepsen),
            ("INFO  jepsen.util - 0\t:invoke\t:read\tnil", .jepsen),
        ]
    )
    func formatIsReadOffTheText(text: String, format: HistoryFormat) {
        #expect(HistoryFormat.detect(in: text) == format)
    }

    @Test func textOfNeitherFormatIsNoFormat() throws {
        #expect(HistoryFormat.detect(in: "process,type,f\n0,invoke,read\n") == nil)
        #expect(HistoryFormat.detect(in: "INFO  jepsen.core - {not a history}") == nil)
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("linearizability-\(UInt64.random(in: 0...UInt64.max)).csv")
            .path
        try "0,invoke,read\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try HistoryParser.load(path: path, format: nil)
        } throws: { error in
            guard let error = error as? HistoryError else { return false }
            return error.line == nil && error.reason.contains("give --format")
        }
    }

    @Test func errorDescriptionIsFileLineReason() {
        #expect(
            HistoryError(source: "a.jsonl", line: 3, reason: "bad").description == "a.jsonl:3: bad"
        )
        #expect(
            HistoryError(source: "a.jsonl", line: nil, reason: "bad").description == "a.jsonl: bad"
        )
    }

    @Test func missingFileAndFolderAreErrors() throws {
        let missing = "/nonexistent/\(UInt64.random(in: 0...UInt64.max)).jsonl"
        #expect(throws: HistoryError(source: missing, line: nil, reason: "no such file")) {
            try HistoryParser.load(path: missing, format: .vortex)
        }
        let folder = FileManager.default.temporaryDirectory.path
        #expect(throws: HistoryError.self) {
            try HistoryParser.load(path: folder, format: .jepsen)
        }
    }

    @Test func loadReadsAFile() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("linearizability-\(UInt64.random(in: 0...UInt64.max)).jsonl")
            .path
        let line = HistoryEvent(
            process: 0,
            type: .invoke,
            function: .write,
            key: 0,
            value: .integer(1),
            timeUs: 0
        )
        try (line.jsonLine + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let history = try HistoryParser.load(path: path, format: .vortex)
        #expect(history.operations.count == 1 && history.source == path)
    }
}
