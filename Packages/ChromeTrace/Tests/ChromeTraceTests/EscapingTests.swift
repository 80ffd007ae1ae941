// Exact JSON escaping of any string and exact wall-clock text, each checked against Python as an
// independent oracle: for hand-picked and seeded random strings the writer's text must equal
// `json.dumps(s)` byte for byte, and for random instants from 1900 to 2262 the `timestamp` text
// must equal Python's datetime arithmetic.

import Foundation
import Testing

@testable import ChromeTrace

/// A small deterministic generator (SplitMix64) so that failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

func escaped(_ string: String) -> String {
    var buffer = JSONBuffer(capacity: 8)
    buffer.append(string: string)
    return String(decoding: buffer.bytes, as: UTF8.self)
}

func randomString(using generator: inout SeededGenerator) -> String {
    let length = Int.random(in: 0...24, using: &generator)
    var scalars = String.UnicodeScalarView()
    for _ in 0..<length {
        let range: ClosedRange<UInt32> =
            switch Int.random(in: 0..<5, using: &generator) {
            case 0: 0x00...0x7F
            case 1: 0x80...0x7FF
            case 2: 0x800...0xD7FF
            case 3: 0xE000...0xFFFF
            default: 0x1_0000...0x10_FFFF
            }
        if let scalar = Unicode.Scalar(UInt32.random(in: range, using: &generator)) {
            scalars.append(scalar)
        }
    }
    return String(scalars)
}

@Suite("Escaping and wall-clock text")
struct EscapingTests {
    @Test("hand-picked strings escape exactly")
    func handPicked() {
        #expect(escaped("") == #""""#)
        #expect(escaped("plain text 123") == #""plain text 123""#)
        #expect(escaped("q\"b\\s/") == #""q\"b\\s/""#)
        #expect(escaped("\u{08}\u{0C}\n\r\t") == #""\b\f\n\r\t""#)
        #expect(escaped("\u{00}\u{01}\u{1F}\u{7F}") == #""\u0000\u0001\u001f\u007f""#)
        #expect(escaped("é€") == #""\u00e9\u20ac""#)
        #expect(escaped("😀") == #""\ud83d\ude00""#)
        #expect(escaped("\u{2028}\u{2029}\u{FEFF}") == #""\u2028\u2029\ufeff""#)
        #expect(
            escaped("replica 0 — café 🚀 done") == #""replica 0 \u2014 caf\u00e9 \ud83d\ude80 done""#
        )
    }

    @Test("escaping equals Python's json.dumps and round-trips through Foundation")
    func matchesPython() throws {
        var generator = SeededGenerator(state: 6)
        var strings = [
            "", "a\"b", "\\", "\u{0}", "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{FFFF}",
            "\u{10000}", "\u{10FFFF}", "e\u{301}", "🇫🇷", String(repeating: "x\n", count: 300),
        ]
        for _ in 0..<2_000 {
            strings.append(randomString(using: &generator))
        }
        // One line per string: its UTF-8 in hex, a tab, the writer's JSON text.
        var lines = ""
        for string in strings {
            let hex = string.utf8.map { String(format: "%02x", $0) }.joined()
            let json = escaped(string)
            lines += hex + "\t" + json + "\n"
            let parsed = try JSONSerialization.jsonObject(
                with: Data(json.utf8),
                options: .fragmentsAllowed
            )
            #expect(parsed as? String == string)
            #expect(json.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "output is printable ASCII")
        }
        let script = """
            import json, sys
            bad = 0
            for line in sys.stdin.buffer.read().decode("ascii").splitlines():
                hex_text, ours = line.split("\\t", 1)
                original = bytes.fromhex(hex_text).decode("utf-8")
                if json.dumps(original) != ours or json.loads(ours) != original:
                    bad += 1
                    print("mismatch:", repr(original), ours)
            print("checked", bad)
            """
        let result = try runProgram(["python3", "-c", script], input: lines)
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output.hasSuffix("checked 0\n"), "\(result.output.prefix(2_000))")
    }

    @Test("wall-clock text equals Python's datetime for instants from 1900 to 2262")
    func wallClockMatchesPython() throws {
        var generator = SeededGenerator(state: 2_026)
        // From 1900-01-01 to 2262-04-11, the last instant of Int64 nanoseconds.
        let lowest: Int64 = -2_208_988_800_000_000_000
        var instants: [Int64] = [0, -1, 1_000, 951_782_400_000_000_000, 4_107_542_399_999_999_999]
        for _ in 0..<2_000 {
            let instant = Int64.random(in: lowest...Int64.max - 2_000_000_000, using: &generator)
            // Runs of instants within one second and across its end, as events come.
            instants += [instant, instant + 1_000, instant + 999_999_000, instant + 1_000_000_000]
        }
        var lines = ""
        for nanoseconds in instants {
            var buffer = JSONBuffer(capacity: 8)
            buffer.append(wallTimeNanoseconds: nanoseconds)
            lines += "\(nanoseconds)\t" + String(decoding: buffer.bytes, as: UTF8.self) + "\n"
        }
        let script = """
            import datetime, sys
            epoch = datetime.datetime(1970, 1, 1)
            bad = 0
            for line in sys.stdin.read().splitlines():
                nanoseconds, ours = line.split("\\t")
                moment = epoch + datetime.timedelta(microseconds=int(nanoseconds) // 1000)
                expected = '"' + moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + 'Z"'
                if expected != ours:
                    bad += 1
                    print("mismatch:", nanoseconds, ours, expected)
            print("checked", bad)
            """
        let result = try runProgram(["python3", "-c", script], input: lines)
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output.hasSuffix("checked 0\n"), "\(result.output.prefix(2_000))")
    }
}
