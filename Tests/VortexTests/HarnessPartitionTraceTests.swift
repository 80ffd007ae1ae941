// What the trace shows of partitions: one row per directed link between replicas on the network
// track (`link 0→1`), a `cut` span while the link is cut and a span named by its own fault while
// it has one, ended when that changes; the `network_faults` span naming the shape and the cut
// links; and a zero-length `reset` event for a reset, all at the time given.

import Foundation
import Testing

@testable import VortexHarness

@Suite struct HarnessPartitionTraceTests {
    @Test func linkRowsShowCutsAndLinkFaults() throws {
        let directory = NSTemporaryDirectory() + "vortex-partition-trace-\(UUID().uuidString)"
        try FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true
        )
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = RunClock()
        let trace = try RunTrace(path: directory + "/trace.json", replicaCount: 3, clock: clock)
        let oneWay = Partition(shape: .oneWay, cut: [ReplicaLink(from: 1, to: 2)])
        let start = ContinuousClock.now
        trace.network(NetworkFaults(partition: oneWay), at: start)
        var delayed = NetworkFaults(partition: oneWay)
        delayed.linkFaults[ReplicaLink(from: 1, to: 2)] = LinkFault(
            delay: DelayFault(delayMs: 40, jitterMs: 10)
        )
        trace.network(delayed, at: start + .milliseconds(5))
        trace.connectionsReset(replica: 2, at: start + .milliseconds(7))
        trace.network(.healed, at: start + .milliseconds(9))
        try trace.close()

        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/trace.json"))
        let events = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let thread = RunTrace.linkThread(ReplicaLink(from: 1, to: 2))
        let names = events.filter { $0["name"] as? String == "thread_name" }
        #expect(
            names.contains {
                ($0["args"] as? [String: Any])?["name"] as? String == "link 1→2"
                    && $0["tid"] as? Int == thread
            }
        )
        let row = events.filter {
            $0["pid"] as? Int == RunTrace.networkPid && $0["tid"] as? Int == thread
        }
        let spans = row.compactMap { event -> String? in
            guard let phase = event["ph"] as? String, phase == "B" || phase == "E" else {
                return nil
            }
            return "\(phase) \(event["name"] as? String ?? "")"
        }
        #expect(spans == ["B cut", "E cut", "B cut, delay 40±10ms", "E cut, delay 40±10ms"])
        let faults = try #require(
            events.first { $0["name"] as? String == "network_faults" && $0["ph"] as? String == "B" }
        )
        let args = faults["args"] as? [String: Any]
        #expect(args?["partition"] as? String == "one-way")
        #expect(args?["cut_links"] as? String == "1→2")
        let reset = try #require(events.first { $0["name"] as? String == "reset" })
        #expect(reset["ph"] as? String == "X")
        #expect((reset["args"] as? [String: Any])?["replica"] as? Int == 2)
        #expect(
            (reset["ts"] as? NSNumber)?.int64Value
                == clock.microseconds(at: start + .milliseconds(7))
        )
    }
}
