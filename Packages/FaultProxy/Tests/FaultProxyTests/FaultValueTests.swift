// Parsing of user-typed fault values and addresses: accepted forms and one-line rejections.

import FaultProxy
import Testing

@Suite struct FaultValueTests {
    @Test(arguments: [("2%", 0.02), ("0.5%", 0.005), ("100%", 1.0), ("10", 0.1), ("0%", 0.0)])
    func percentages(text: String, expected: Double) throws {
        #expect(abs(try FaultValue.parsePercentage(text) - expected) < 1e-12)
    }

    @Test(arguments: ["101%", "-1%", "abc", "%", "2%%"])
    func badPercentages(text: String) {
        #expect(throws: FaultValueError.self) { try FaultValue.parsePercentage(text) }
    }

    @Test(arguments: [
        ("1MB/s", 1_000_000), ("512KiB/s", 524_288), ("10Mbit/s", 1_250_000), ("100B/s", 100),
        ("1.5GB/s", 1_500_000_000), ("8kbit/s", 1000),
    ])
    func rates(text: String, expected: Int) throws {
        #expect(try FaultValue.parseRate(text) == expected)
    }

    @Test(arguments: ["1MB", "1XB/s", "0MB/s", "-1MB/s", "fastMB/s"])
    func badRates(text: String) {
        #expect(throws: FaultValueError.self) { try FaultValue.parseRate(text) }
    }

    @Test func addresses() throws {
        #expect(
            try FaultValue.parseHostAndPort("127.0.0.1:9000", allowAnyPort: false)
                == HostAndPort(host: "127.0.0.1", port: 9000)
        )
        #expect(
            try FaultValue.parseHostAndPort("[::1]:0", allowAnyPort: true)
                == HostAndPort(host: "::1", port: 0)
        )
        #expect(try FaultValue.parseHostAndPort("localhost:2379", allowAnyPort: false).port == 2379)
    }

    @Test(arguments: ["127.0.0.1", "127.0.0.1:", ":9000", "127.0.0.1:70000", "::1:9000", "a b:1"])
    func badAddresses(text: String) {
        #expect(throws: FaultValueError.self) {
            try FaultValue.parseHostAndPort(text, allowAnyPort: true)
        }
    }

    @Test func portZeroOnlyWhereAllowed() {
        #expect(throws: FaultValueError.self) {
            try FaultValue.parseHostAndPort("127.0.0.1:0", allowAnyPort: false)
        }
    }

    @Test func durationsFormatCompactly() {
        #expect(FaultValue.format(.milliseconds(50)) == "50ms")
        #expect(FaultValue.format(.milliseconds(1500)) == "1.5s")
        #expect(FaultValue.format(.microseconds(200)) == "200us")
    }
}
