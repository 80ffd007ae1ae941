// The proxy side of the soak: one FaultProxy in a process of its own, driven by lines on standard
// input (`faults NAME`, `counters`, `quit`), answering each with one line on standard output.

import FaultProxy
import Foundation

/// The named fault settings the soak cycles through.
enum SoakFault: String, CaseIterable, Sendable {
    case none, delay, jitter, bandwidth, clog, upstreamDelay, corrupt

    /// The kinds the byte-exact phase toggles between (corruption has a phase of its own).
    static let exact: [SoakFault] = [.none, .delay, .jitter, .bandwidth, .clog, .upstreamDelay]

    var faults: ProxyFaults {
        switch self {
        case .none: .none
        case .delay: .both(DirectionFaults(delay: .milliseconds(20)))
        case .jitter: .both(DirectionFaults(delay: .milliseconds(15), jitter: .milliseconds(15)))
        case .bandwidth: .both(DirectionFaults(bandwidthBytesPerSecond: 256 * 1024))
        case .clog: .clogged
        case .upstreamDelay: ProxyFaults(toUpstream: DirectionFaults(delay: .milliseconds(40)))
        case .corrupt: .both(DirectionFaults(corruptProbability: 0.05))
        }
    }
}

enum ProxyServer {
    static func run(upstreamPort: Int, seed: UInt64) async throws {
        guard (1...65_535).contains(upstreamPort) else {
            throw UsageError("serve needs --upstream PORT (1-65535)")
        }
        let proxy = try await FaultProxy.start(
            listen: HostAndPort(host: "127.0.0.1", port: 0),
            upstream: HostAndPort(host: "127.0.0.1", port: upstreamPort),
            seed: seed,
            threads: 2
        )
        answer("port \(proxy.port)")
        while let line = readLine() {
            let words = line.split(separator: " ").map(String.init)
            switch words.first {
            case "faults":
                guard words.count == 2, let fault = SoakFault(rawValue: words[1]) else {
                    answer("error unknown fault \(line)")
                    continue
                }
                try await proxy.setFaults(fault.faults)
                answer("ok \(fault.rawValue)")
            case "counters":
                let counters = proxy.counters
                answer(
                    "counters open=\(counters.connectionsOpen) "
                        + "accepted=\(counters.connectionsAccepted) "
                        + "bytesToUpstream=\(counters.bytesToUpstream) "
                        + "bytesToClient=\(counters.bytesToClient) "
                        + "corrupted=\(counters.chunksCorrupted) "
                        + "delayed=\(counters.chunksDelayed) held=\(counters.chunksHeld) "
                        + "throttled=\(counters.chunksThrottled) reset=\(counters.connectionsReset)"
                )
            case "quit":
                await proxy.stop()
                answer("stopped")
                return
            default:
                answer("error unknown command \(line)")
            }
        }
        await proxy.stop()
    }

    private static func answer(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
