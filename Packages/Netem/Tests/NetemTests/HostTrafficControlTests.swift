// Netlink plumbing on the host kernel, in a network namespace each test creates: TBF and
// HTB+u32 added, read back over netlink and with `tc -j`, changed in place, removed; and netem
// refused with the typed error when the kernel has no sch_netem.

import Foundation
import Testing

@testable import Netem

@Suite(.serialized, .enabled(if: runningAsRoot, "needs root to create network namespaces"))
struct HostTrafficControlTests {
    /// Runs `body` with a shaper on `lo` of a fresh named namespace, then deletes the namespace.
    private func withNamespace(
        _ body: (TestNamespace, LinkShaper) throws -> Void
    ) throws {
        let namespace = try TestNamespace()
        defer { namespace.remove() }
        let socket = try RouteSocket(namespace: .named(namespace.name))
        let shaper = LinkShaper(socket: socket, link: try socket.link(named: "lo"))
        try body(namespace, shaper)
    }

    @Test(.timeLimit(.minutes(1)))
    func linksAreFoundByNameAndIndex() throws {
        try withNamespace { _, shaper in
            #expect(shaper.link.name == "lo")
            let byIndex = try shaper.socket.link(index: shaper.link.index)
            #expect(byIndex == shaper.link)
            #expect(throws: NetemError.noSuchDevice("eth-nope")) {
                try shaper.socket.link(named: "eth-nope")
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func rateLimitIsAddedReadBackChangedAndRemoved() throws {
        try withNamespace { namespace, shaper in
            try shaper.setRateLimit(TokenBucket(rateBytesPerSecond: 125_000, burstBytes: 16_000))
            var root = try #require(try shaper.readTree().rootQdisc)
            #expect(root.kind == "tbf")
            #expect(root.handle == LinkShaper.rateLimitHandle)
            #expect(root.tbfRateBytesPerSecond == 125_000)
            var shown = try namespace.tcJSON("qdisc")
            #expect(shown.first?["kind"] as? String == "tbf")
            #expect(shown.first?["handle"] as? String == "12:")

            try shaper.setRateLimit(TokenBucket(rateBytesPerSecond: 250_000, burstBytes: 16_000))
            root = try #require(try shaper.readTree().rootQdisc)
            #expect(root.handle == LinkShaper.rateLimitHandle)
            #expect(root.tbfRateBytesPerSecond == 250_000)
            shown = try namespace.tcJSON("qdisc")
            let options = shown.first?["options"] as? [String: Any]
            #expect((options?["rate"] as? NSNumber)?.intValue == 250_000)

            try shaper.removeAll()
            #expect(try shaper.readTree().rootQdisc?.kind == "noqueue")
            #expect(try namespace.tcJSON("qdisc").first?["kind"] as? String == "noqueue")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func targetClassesAndFiltersAreAddedReadBackChangedAndRemoved() throws {
        try withNamespace { namespace, shaper in
            let address = try #require(IPv4Address("127.0.0.2"))
            try shaper.setTargetRate(
                bytesPerSecond: 1_000_000,
                target: 1,
                matching: [.destinationPort(2380)]
            )
            try shaper.setTargetRate(
                bytesPerSecond: 2_000_000,
                target: 2,
                matching: [.destinationPort(2381), .destinationAddress(address)]
            )
            var tree = try shaper.readTree()
            #expect(tree.rootQdisc?.kind == "htb")
            #expect(tree.rootQdisc?.handle == LinkShaper.targetRootHandle)
            let rates = Dictionary(
                uniqueKeysWithValues: tree.classes.map { ($0.handle, $0.htbRateBytesPerSecond) }
            )
            #expect(rates[LinkShaper.targetClass(1)] == 1_000_000)
            #expect(rates[LinkShaper.targetClass(2)] == 2_000_000)
            let routed = tree.filters.filter { $0.classID != nil }
            #expect(routed.count == 3)
            let matches = Set(routed.flatMap { $0.keys.compactMap(\.packetMatch) })
            #expect(
                matches == [
                    .destinationPort(2380), .destinationPort(2381), .destinationAddress(address),
                ]
            )
            #expect(
                routed.filter { $0.priority == 1 }.allSatisfy {
                    $0.classID == LinkShaper.targetClass(1)
                }
            )

            #expect(try namespace.tcClassHandles() == ["10:1", "10:2"])
            let shownFilters = try namespace.tcJSON("filter", extra: ["parent", "10:"])
            let shownOptions = shownFilters.compactMap { $0["options"] as? [String: Any] }
            let flowIDs = shownOptions.compactMap { $0["flowid"] as? String }
            #expect(flowIDs.sorted() == ["10:1", "10:2", "10:2"])
            let matchValues = shownOptions.compactMap {
                ($0["match"] as? [String: Any])?["value"] as? String
            }
            // 2380 = 0x94c, 2381 = 0x94d, 127.0.0.2 = 0x7f000002.
            #expect(matchValues.sorted() == ["7f000002", "94c", "94d"])

            // Changed in place: same class, new rate; filters untouched.
            try shaper.setTargetRate(
                bytesPerSecond: 3_000_000,
                target: 1,
                matching: [.destinationPort(2380)]
            )
            tree = try shaper.readTree()
            #expect(
                tree.classes.first { $0.handle == LinkShaper.targetClass(1) }?
                    .htbRateBytesPerSecond == 3_000_000
            )
            #expect(tree.filters.filter { $0.classID != nil }.count == 3)

            // New matches for a target replace its filters.
            try shaper.setTargetRate(
                bytesPerSecond: 3_000_000,
                target: 1,
                matching: [.sourcePort(2380)]
            )
            tree = try shaper.readTree()
            let targetOne = tree.filters.filter { $0.classID == LinkShaper.targetClass(1) }
            #expect(targetOne.flatMap { $0.keys.compactMap(\.packetMatch) } == [.sourcePort(2380)])

            try shaper.removeTarget(2)
            tree = try shaper.readTree()
            #expect(tree.classes.map(\.handle) == [LinkShaper.targetClass(1)])
            #expect(tree.filters.allSatisfy { $0.classID != LinkShaper.targetClass(2) })

            try shaper.removeAll()
            #expect(try namespace.tcJSON("qdisc").first?["kind"] as? String == "noqueue")
            #expect(try namespace.tcClassHandles().isEmpty)
        }
    }

    @Test(
        .timeLimit(.minutes(1)),
        .enabled(if: !netemAvailable, "this kernel has netem; the kernel suite covers it")
    )
    func netemIsRefusedWithTheTypedErrorAndLeavesNothing() throws {
        try withNamespace { namespace, shaper in
            #expect(throws: NetemError.unsupported(kind: "netem")) {
                try shaper.setLinkNetem(NetemParameters(delayMs: 20))
            }
            #expect(throws: NetemError.unsupported(kind: "netem")) {
                try shaper.setTargetNetem(
                    NetemParameters(delayMs: 20),
                    target: 1,
                    matching: [.destinationPort(80)]
                )
            }
            #expect(try namespace.tcJSON("qdisc").first?["kind"] as? String == "noqueue")
            #expect(try namespace.tcClassHandles().isEmpty)
            let support = try KernelSupport.probe()
            #expect(!support.netem && support.htb && support.tbf && support.u32)
            #expect(throws: NetemError.unsupported(kind: "netem")) {
                try support.requireNetemBackend()
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func socketsStayInTheirNamespace() throws {
        try withNamespace { namespace, shaper in
            try shaper.setRateLimit(TokenBucket(rateBytesPerSecond: 125_000, burstBytes: 16_000))
            // The caller's own lo is untouched.
            let own = try RouteSocket()
            let ownRoot = try LinkShaper(socket: own, link: own.link(named: "lo")).readTree()
            #expect(ownRoot.rootQdisc?.kind != "tbf")
            #expect(try namespace.tcJSON("qdisc").first?["kind"] as? String == "tbf")
            try shaper.removeAll()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aProcessNamespaceIsReachedThroughItsPID() throws {
        try withNamespace { namespace, shaper in
            try shaper.setRateLimit(TokenBucket(rateBytesPerSecond: 125_000, burstBytes: 16_000))
            let sleeper = try spawnDetached(["ip", "netns", "exec", namespace.name, "sleep", "30"])
            defer {
                kill(sleeper, SIGKILL)
                var status: Int32 = 0
                waitpid(sleeper, &status, 0)
            }
            // `ip netns exec` enters the namespace, then execs sleep: wait until it has.
            var attempts = 0
            while attempts < 200,
                (try? FileManager.default.destinationOfSymbolicLink(
                    atPath: "/proc/\(sleeper)/ns/net"
                ))
                    == (try? FileManager.default.destinationOfSymbolicLink(
                        atPath: "/proc/self/ns/net"
                    ))
            {
                usleep(10_000)
                attempts += 1
            }
            let socket = try RouteSocket(namespace: .process(sleeper))
            let viaPID = LinkShaper(socket: socket, link: try socket.link(named: "lo"))
            #expect(try viaPID.readTree().rootQdisc?.kind == "tbf")
            try shaper.removeAll()
        }
    }

    @Test func missingNamespaceIsAClearError() {
        #expect(throws: NetemError.namespaceUnavailable(path: "/var/run/netns/nope-x", errno: 2)) {
            try RouteSocket(namespace: .named("nope-x"))
        }
    }
}
