// Netem in a real kernel (user-mode-linux via scripts/netem-test, or any kernel with
// sch_netem): delays show in measured loopback round trips, loss stays within statistical
// bounds, per-port targets touch only their port, changes keep connections up, every field
// reaches the kernel, and cleanup leaves the default qdisc. Skipped where netem is missing unless
// VORTEX_REQUIRE_NETEM=1.

import Foundation
import Testing

@testable import Netem

@Suite(
    .serialized,
    .enabled(
        if: netemAvailable || netemRequired,
        "this kernel has no sch_netem; scripts/netem-test runs this suite under user-mode-linux"
    )
)
struct KernelNetemTests {
    /// Runs `body` with a shaper on this namespace's `lo`, removing everything afterwards and
    /// checking that `tc` sees the default qdisc again.
    private func withLoopbackShaper(_ body: (LinkShaper) throws -> Void) throws {
        let socket = try RouteSocket()
        let shaper = LinkShaper(socket: socket, link: try socket.link(named: "lo"))
        defer { try? shaper.removeAll() }
        try body(shaper)
        try shaper.removeAll()
        let shown = try tcJSON("qdisc")
        #expect(shown.count == 1)
        #expect(shown.first?["kind"] as? String == "noqueue")
    }

    @Test(.timeLimit(.minutes(2)))
    func probeFindsEverything() throws {
        let support = try KernelSupport.probe()
        #expect(support.netem && support.htb && support.tbf && support.u32)
        try support.requireNetemBackend()
    }

    @Test(.timeLimit(.minutes(2)))
    func delayShowsInLoopbackRoundTrips() throws {
        let server = try EchoServer()
        defer { server.stop() }
        let client = try EchoClient(port: server.port)
        let before = try client.minimumRoundTripMs()
        try withLoopbackShaper { shaper in
            try shaper.setLinkNetem(NetemParameters(delayMs: 20))
            // Both directions leave through lo: 2 × 20 ms at least.
            let delayed = try client.minimumRoundTripMs()
            #expect(delayed >= 40, "round trip \(delayed) ms with 20 ms delay each way")
            #expect(delayed < 40 + 1000)
            #expect(before < 20, "round trip before shaping \(before) ms")
        }
        #expect(try client.minimumRoundTripMs() < 20)
    }

    @Test(.timeLimit(.minutes(2)))
    func lossStaysWithinStatisticalBounds() throws {
        try withLoopbackShaper { shaper in
            try shaper.setLinkNetem(NetemParameters(loss: .random(percent: 30)))
            let sent = 3000
            let delivered = try udpDelivered(count: sent)
            // Binomial(3000, 0.7): mean 2100, sd ≈ 25; ± 6 sd.
            #expect((1950...2250).contains(delivered), "\(delivered) of \(sent) delivered")
        }
        // Without loss everything arrives.
        #expect(try udpDelivered(count: 1000) == 1000)
    }

    @Test(.timeLimit(.minutes(2)))
    func portTargetingAffectsOnlyThatPort() throws {
        let targeted = try EchoServer()
        let other = try EchoServer()
        defer {
            targeted.stop()
            other.stop()
        }
        let targetedClient = try EchoClient(port: targeted.port)
        let otherClient = try EchoClient(port: other.port)
        try withLoopbackShaper { shaper in
            try shaper.setTargetNetem(
                NetemParameters(delayMs: 30),
                target: 1,
                matching: [.destinationPort(targeted.port)]
            )
            let targetedMs = try targetedClient.minimumRoundTripMs()
            let otherMs = try otherClient.minimumRoundTripMs()
            #expect(targetedMs >= 30, "targeted port round trip \(targetedMs) ms")
            #expect(otherMs < 15, "other port round trip \(otherMs) ms")

            // Both directions of the replica's traffic: add its source port too.
            try shaper.setTargetNetem(
                NetemParameters(delayMs: 30),
                target: 1,
                matching: [.destinationPort(targeted.port), .sourcePort(targeted.port)]
            )
            #expect(try targetedClient.minimumRoundTripMs() >= 60)
            #expect(try otherClient.minimumRoundTripMs() < 15)

            // A partition of the targeted port: nothing gets through, the other port works.
            try shaper.setTargetNetem(
                .dropEverything,
                target: 1,
                matching: [.destinationPort(targeted.port)]
            )
            let partitioned = try shaper.readTree().qdiscs.first {
                $0.handle == LinkShaper.targetNetemHandle(1)
            }
            #expect(partitioned?.netem?.lossPercent == 100)
            #expect(try !canConnect(port: targeted.port, timeoutMs: 500))
            #expect(try canConnect(port: other.port, timeoutMs: 500))
            #expect(try otherClient.minimumRoundTripMs(count: 3) < 15)

            try shaper.removeTarget(1)
            #expect(try targetedClient.minimumRoundTripMs() < 15)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func replacingParametersKeepsConnectionsUp() throws {
        let server = try EchoServer()
        defer { server.stop() }
        let client = try EchoClient(port: server.port)
        try withLoopbackShaper { shaper in
            for delayMs in [5.0, 25, 10, 40] {
                try shaper.setLinkNetem(NetemParameters(delayMs: delayMs))
                #expect(try client.roundTripMs() >= 2 * delayMs)
                let root = try #require(try shaper.readTree().rootQdisc)
                #expect(root.handle == LinkShaper.linkNetemHandle)
                #expect(root.netem?.delayMs == delayMs)
            }
            for delayMs in [15.0, 5] {
                try shaper.setTargetNetem(
                    NetemParameters(delayMs: delayMs),
                    target: 2,
                    matching: [.destinationPort(server.port)]
                )
                #expect(try client.roundTripMs() >= delayMs)
                let tree = try shaper.readTree()
                let leaf = tree.qdiscs.first { $0.handle == LinkShaper.targetNetemHandle(2) }
                #expect(leaf?.parent == LinkShaper.targetClass(2))
                #expect(leaf?.netem?.delayMs == delayMs)
            }
        }
        // Same connection, still working.
        #expect(try client.roundTripMs() < 20)
    }

    @Test(.timeLimit(.minutes(2)))
    func aBatchChangesSeveralTargetsInPlaceInOneRoundTrip() throws {
        let first = try EchoServer()
        let second = try EchoServer()
        defer {
            first.stop()
            second.stop()
        }
        let firstClient = try EchoClient(port: first.port)
        let secondClient = try EchoClient(port: second.port)
        try withLoopbackShaper { shaper in
            for (target, server) in [(UInt16(1), first), (2, second)] {
                try shaper.setTargetNetem(
                    NetemParameters(),
                    target: target,
                    matching: [.destinationPort(server.port)]
                )
            }
            try shaper.setTargetsNetem([1: NetemParameters(delayMs: 30), 2: .dropEverything])
            let netem = { (target: UInt16) in
                try shaper.readTree().qdiscs.first {
                    $0.handle == LinkShaper.targetNetemHandle(target)
                }?.netem
            }
            #expect(try netem(1)?.delayMs == 30)
            #expect(try netem(2)?.lossPercent == 100)
            #expect(try firstClient.minimumRoundTripMs() >= 30)
            #expect(try !canConnect(port: second.port, timeoutMs: 500))
            // Back: both pass again, the connection opened before is still up.
            try shaper.setTargetsNetem([1: NetemParameters(), 2: NetemParameters()])
            #expect(try firstClient.minimumRoundTripMs() < 15)
            #expect(try secondClient.minimumRoundTripMs(count: 3) < 15)
            #expect(Set(shaper.targets.keys) == [1, 2])
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func everyFieldReachesTheKernel() throws {
        try withLoopbackShaper { shaper in
            try shaper.setLinkNetem(
                NetemParameters(
                    delayMs: 20,
                    jitterMs: 5,
                    delayCorrelationPercent: 10,
                    distribution: .normal,
                    loss: .gilbertElliott(pPercent: 1, rPercent: 20, lossInBadPercent: 70),
                    corruptionPercent: 0.5,
                    duplicationPercent: 2,
                    reorderPercent: 25,
                    reorderGap: 5,
                    rateBytesPerSecond: 125_000,
                    limitPackets: 500
                )
            )
            let text = try run(["tc", "qdisc", "show", "dev", "lo"])
            for expected in [
                "netem 11:", "limit 500", "delay 20ms  5ms 10%", "loss gemodel p 1% r 20% 1-h 70%",
                "duplicate 2%", "reorder 25%", "corrupt 0.5%", "rate 1Mbit", "gap 5",
            ] {
                #expect(text.contains(expected), "\(expected) missing from: \(text)")
            }
            let read = try #require(try shaper.readTree().rootQdisc?.netem)
            #expect(read.delayMs == 20)
            #expect(read.jitterMs == 5)
            #expect(read.reorderGap == 5)
            #expect(read.limitPackets == 500)
            #expect(abs(read.duplicationPercent - 2) < 0.001)

            try shaper.setRateLimit(TokenBucket(rateBytesPerSecond: 125_000, burstBytes: 16_000))
            #expect(try shaper.readTree().rootQdisc?.kind == "tbf")
        }
    }
}
