// The two measurements and their reports: single-stream throughput (client → path → sink, timed
// until the sink has counted every byte) and 64-byte ping-pong round trips, plus the CPU steal
// reading that flags rounds disturbed by the host.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Total and steal jiffies from /proc/stat's first line.
struct CPUTimes {
    let total: UInt64
    let steal: UInt64

    static func now() -> CPUTimes {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first
        else { return CPUTimes(total: 0, steal: 0) }
        let fields = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        let steal = fields.count > 7 ? fields[7] : 0
        return CPUTimes(total: fields.prefix(8).reduce(0, +), steal: steal)
    }

    /// Fraction of CPU time stolen by the host between `earlier` and now.
    func stealFraction(since earlier: CPUTimes) -> Double {
        let total = Double(self.total &- earlier.total)
        return total > 0 ? Double(steal &- earlier.steal) / total : 0
    }
}

/// Sends `bytes` over one connection and returns the seconds until the sink counted them all.
func transferSeconds(port: Int, bytes: Int) throws -> Double {
    let socket = try RawSocket.connect(port: port)
    defer { socket.close() }
    let chunkBytes = 256 * 1024
    var chunk = [UInt8](repeating: 0, count: chunkBytes)
    for index in chunk.indices { chunk[index] = UInt8(truncatingIfNeeded: index &* 31) }
    let clock = ContinuousClock()
    let start = clock.now
    var sent = 0
    try chunk.withUnsafeBytes { pointer in
        while sent < bytes {
            let count = min(chunkBytes, bytes - sent)
            try socket.sendAll(UnsafeRawBufferPointer(rebasing: pointer[0..<count]))
            sent += count
        }
    }
    socket.shutdownWrite()
    var count: UInt64 = 0
    try withUnsafeMutableBytes(of: &count) { try socket.receiveAll(into: $0) }
    let elapsed = clock.now - start
    guard Int(UInt64(littleEndian: count)) == bytes else {
        throw BenchmarkError("the sink counted \(count) bytes of \(bytes)")
    }
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func runThroughput(rounds: Int, bytes: Int) async throws {
    let sink = try ThreadServer.sink()
    defer { sink.stop() }
    let paths = ProxyPath.allCases
    var rates: [ProxyPath: [Double]] = [:]
    var ratios: [ProxyPath: [Double]] = [:]
    report("single-stream throughput, \(bytes / 1_048_576) MiB per transfer, \(rounds) rounds")
    var round = 0
    var redone = 0
    while round < rounds {
        let before = CPUTimes.now()
        var roundRates: [ProxyPath: Double] = [:]
        // Rotate the order so that no path always runs first or last.
        for offset in 0..<paths.count {
            let path = paths[(offset + round) % paths.count]
            let running = try await path.start(upstreamPort: sink.port)
            progress("\(path.rawValue): measuring")
            _ = try transferSeconds(port: running.port, bytes: 16 * 1024 * 1024)  // warm-up
            let seconds = try transferSeconds(port: running.port, bytes: bytes)
            await running.stop()
            roundRates[path] = Double(bytes) * 8 / seconds / 1e9
        }
        let steal = CPUTimes.now().stealFraction(since: before)
        let line = paths.map { "\($0.rawValue) \(formatted(roundRates[$0] ?? 0)) Gbit/s" }
        report(
            "round \(round + 1): " + line.joined(separator: ", ")
                + ", steal \(formatted(steal * 100, 1)) %"
        )
        if steal >= 0.03 && redone < 3 {
            redone += 1
            report("  steal >= 3 %: round redone")
            continue
        }
        let direct = roundRates[.direct] ?? .nan
        for path in paths {
            rates[path, default: []].append(roundRates[path] ?? .nan)
            ratios[path, default: []].append((roundRates[path] ?? .nan) / direct)
        }
        round += 1
    }
    let haproxy = median(rates[.haproxy] ?? [])
    report("\n| path | Gbit/s (median) | ratio to direct (median of rounds) | vs HAProxy |")
    report("| --- | --- | --- | --- |")
    for path in paths {
        let rate = median(rates[path] ?? [])
        report(
            "| \(path.rawValue) | \(formatted(rate)) | \(formatted(median(ratios[path] ?? []))) "
                + "| \(formatted(rate / haproxy))× |"
        )
    }
}

/// `count` 64-byte round trips after a warm-up; returns each in nanoseconds.
func roundTripNanoseconds(port: Int, count: Int) throws -> [Int64] {
    let socket = try RawSocket.connect(port: port)
    defer { socket.close() }
    let message = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
    defer { message.deallocate() }
    message.initializeMemory(as: UInt8.self, repeating: 7)
    let clock = ContinuousClock()
    var samples: [Int64] = []
    samples.reserveCapacity(count)
    for index in 0..<(count + 1000) {
        let start = clock.now
        try socket.sendAll(UnsafeRawBufferPointer(message))
        try socket.receiveAll(into: message)
        let elapsed = clock.now - start
        if index >= 1000 {
            samples.append(
                elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds
                    / 1_000_000_000
            )
        }
    }
    return samples
}

func runLatency(rounds: Int, roundTrips: Int) async throws {
    let echo = try ThreadServer.echo(messageBytes: 64)
    defer { echo.stop() }
    let paths = ProxyPath.allCases
    var p50s: [ProxyPath: [Double]] = [:]
    var p99s: [ProxyPath: [Double]] = [:]
    report(
        "64-byte request/response, \(roundTrips) round trips per path and round, \(rounds) rounds"
    )
    for round in 0..<rounds {
        let before = CPUTimes.now()
        var line: [String] = []
        for offset in 0..<paths.count {
            let path = paths[(offset + round) % paths.count]
            let running = try await path.start(upstreamPort: echo.port)
            let samples = try roundTripNanoseconds(port: running.port, count: roundTrips).sorted()
            await running.stop()
            let p50 = Double(samples[samples.count / 2]) / 1000
            let p99 = Double(samples[min(samples.count - 1, samples.count * 99 / 100)]) / 1000
            p50s[path, default: []].append(p50)
            p99s[path, default: []].append(p99)
            line.append("\(path.rawValue) p50 \(formatted(p50, 1)) us p99 \(formatted(p99, 1)) us")
        }
        let steal = CPUTimes.now().stealFraction(since: before)
        report(
            "round \(round + 1): " + line.joined(separator: ", ")
                + ", steal \(formatted(steal * 100, 1)) %"
        )
    }
    let direct = median(p50s[.direct] ?? [])
    report("\n| path | RTT p50 µs | RTT p99 µs | added p50 µs |")
    report("| --- | --- | --- | --- |")
    for path in paths {
        let p50 = median(p50s[path] ?? [])
        report(
            "| \(path.rawValue) | \(formatted(p50, 1)) | \(formatted(median(p99s[path] ?? []), 1)) "
                + "| \(formatted(p50 - direct, 1)) |"
        )
    }
}

/// A progress note on stderr (the results go to stdout).
func progress(_ note: String) {
    FileHandle.standardError.write(Data("  \(note)\n".utf8))
}

/// A result line on stdout, written at once (not buffered until exit).
func report(_ line: String) {
    FileHandle.standardOutput.write(Data("\(line)\n".utf8))
}
