// Each fault's behaviour over real sockets: delay within its bounds, corruption at its rate and
// of its two kinds, seeded reproducibility, clog then heal, bandwidth.

import FaultProxy
import Foundation
import NIOCore
import Testing

extension SocketTests {
    @Suite struct Faults {
        /// Sends `count` messages one at a time, each echoed before the next is sent, so that
        /// every message is one chunk; returns what came back for each.
        static func pingPong(
            port: Int,
            count: Int,
            message: [UInt8]
        ) async throws -> (replies: [[UInt8]], roundTrips: [Duration]) {
            nonisolated(unsafe) var replies: [[UInt8]] = []
            nonisolated(unsafe) var roundTrips: [Duration] = []
            let failures = await onThreads(1) { _ in
                let socket = try BlockingSocket.connect(port: port)
                defer { socket.close() }
                let clock = ContinuousClock()
                for _ in 0..<count {
                    let start = clock.now
                    try socket.sendAll(message)
                    replies.append(try socket.receive(exactly: message.count))
                    roundTrips.append(clock.now - start)
                }
            }
            #expect(failures == [])
            return (replies, roundTrips)
        }

        @Test func delayIsWithinDelayPlusMinusJitter() async throws {
            let faults = ProxyFaults(
                toUpstream: DirectionFaults(delay: .milliseconds(40), jitter: .milliseconds(10))
            )
            try await ProxyFixture.run(faults: faults) { fixture in
                let result = try await Self.pingPong(
                    port: fixture.proxy.port,
                    count: 25,
                    message: [7]
                )
                let shortest = try #require(result.roundTrips.min())
                let longest = try #require(result.roundTrips.max())
                #expect(shortest >= .milliseconds(30), "no chunk is released before delay - jitter")
                // Generous upper slack: the machine is shared; the bound checks nothing is lost.
                #expect(longest <= .milliseconds(50 + 400))
                #expect(longest - shortest >= .milliseconds(4), "jitter spreads the delays")
                #expect(fixture.proxy.counters.chunksDelayed == 25)
            }
        }

        @Test func corruptionRateAndKindsMatchTheProbability() async throws {
            let faults = ProxyFaults(toUpstream: DirectionFaults(corruptProbability: 0.2))
            let message = (1...64).map { UInt8($0) }
            try await ProxyFixture.run(faults: faults, seed: 99) { fixture in
                let count = 500
                let result = try await Self.pingPong(
                    port: fixture.proxy.port,
                    count: count,
                    message: message
                )
                let zeroed = result.replies.filter { $0.allSatisfy { $0 == 0 } }.count
                let shuffled = result.replies.filter {
                    $0 != message && $0.sorted() == message
                }.count
                let corrupted = result.replies.filter { $0 != message }.count
                #expect(zeroed + shuffled == corrupted, "corruption only zeroes or shuffles")
                // Binomial(500, 0.2): mean 100, sd 8.9; the bounds are about ±5.6 sd.
                #expect((50...150).contains(corrupted), "corrupted \(corrupted) of \(count)")
                #expect(zeroed > 0)
                #expect(shuffled > 0)
                #expect(fixture.proxy.counters.chunksCorrupted == corrupted)
            }
        }

        @Test func sameSeedGivesSameDecisions() async throws {
            let faults = ProxyFaults(toUpstream: DirectionFaults(corruptProbability: 0.3))
            let message = (1...32).map { UInt8($0) }
            var patterns: [[Bool]] = []
            for seed: UInt64 in [5, 5, 6] {
                try await ProxyFixture.run(faults: faults, seed: seed) { fixture in
                    let result = try await Self.pingPong(
                        port: fixture.proxy.port,
                        count: 120,
                        message: message
                    )
                    patterns.append(result.replies.map { $0 != message })
                }
            }
            #expect(patterns[0] == patterns[1], "same seed, same traffic, same decisions")
            #expect(patterns[0] != patterns[2], "another seed decides differently")
        }

        @Test func clogHoldsEverythingAndHealDeliversItInOrder() async throws {
            let clogged = ProxyFaults(toUpstream: DirectionFaults(clogged: true))
            try await ProxyFixture.run(faults: clogged) { fixture in
                let proxy = fixture.proxy
                let data = randomBytes(count: 8 * 1024 * 1024, seed: 3)
                let socket = try BlockingSocket.connect(port: proxy.port)
                defer { socket.close() }
                let writer = Task.detached {
                    await onThreads(1) { _ in
                        try socket.sendAll(data)
                        socket.shutdownWrite()
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                socket.setReceiveTimeout(milliseconds: 100)
                #expect(throws: SocketFailure.self, "nothing crosses a clog") {
                    _ = try socket.receive(upTo: 1)
                }
                #expect(proxy.counters.bytesToUpstream == 0)
                #expect(proxy.counters.chunksHeld > 0)
                socket.setReceiveTimeout(milliseconds: 0)
                try await proxy.setFaults(.none)
                let failures = await onThreads(1) { _ in
                    try socket.receiveExactlyThenEnd(data)
                }
                #expect(failures == [])
                #expect(await writer.value == [])
                #expect(proxy.counters.bytesToUpstream == data.count)
            }
        }

        @Test func bandwidthLimitsTheRate() async throws {
            let rate = 1_000_000
            let faults = ProxyFaults(toUpstream: DirectionFaults(bandwidthBytesPerSecond: rate))
            try await ProxyFixture.run(faults: faults) { fixture in
                let bytes = 400_000
                let clock = ContinuousClock()
                let start = clock.now
                let failures = try await echoTransfer(
                    port: fixture.proxy.port,
                    connections: 1,
                    bytesPerConnection: bytes,
                    seed: 4
                )
                let elapsed = clock.now - start
                #expect(failures == [])
                // A full bucket lets one slice (20 ms of the rate) through at once.
                let floor = Double(bytes - rate / 50) / Double(rate)
                #expect(elapsed >= .seconds(floor), "took \(elapsed)")
                #expect(fixture.proxy.counters.chunksThrottled > 0)
            }
        }
    }
}
