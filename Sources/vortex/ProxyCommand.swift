// `vortex proxy`: one FaultProxy in front of one upstream, for trying faults by hand or putting a
// fault in front of any TCP service, e.g.
//   vortex proxy --listen 127.0.0.1:9000 --upstream 127.0.0.1:2379 --delay 50ms --jitter 10ms \
//       --corrupt 2% --bandwidth 1MB/s
// It prints the listening address, runs until SIGINT or SIGTERM, prints its counters and exits 0.
// Bad values are usage errors (one line, exit 2; see Vortex.main). Fault semantics:
// docs/fault-proxy.md.

import ArgumentParser
import FaultProxy
import Foundation
import NIOCore
import ProcessControl
import VortexHarness

struct ProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Run a TCP proxy that injects faults into the traffic to one upstream.",
        usage: "vortex proxy --upstream <host:port> [--listen <host:port>] [<options>]",
        discussion: """
            Faults apply per received chunk: --delay/--jitter hold each chunk for \
            delay ± U[0, jitter] without reordering, --corrupt shuffles or zeroes a chunk's \
            bytes with the given probability, --bandwidth limits each connection with a token \
            bucket. The stream is never truncated. Stop with Ctrl-C or SIGTERM.
            """
    )

    @Option(help: "Address to listen on (host:port; port 0 picks a free port).")
    var listen = "127.0.0.1:0"

    @Option(help: "Address to forward connections to (host:port).")
    var upstream: String

    @Option(parsing: .unconditional, help: "Delay per chunk, e.g. 50ms, 1s, 1s500ms, 200us.")
    var delay: String?

    @Option(parsing: .unconditional, help: "Jitter around the delay, e.g. 10ms.")
    var jitter: String?

    @Option(parsing: .unconditional, help: "Probability that a chunk is corrupted, e.g. 2%.")
    var corrupt: String?

    @Option(parsing: .unconditional, help: "Bandwidth per connection and direction, e.g. 1MB/s.")
    var bandwidth: String?

    @Option(help: "Directions the faults apply to: both, to-upstream or to-client.")
    var direction = "both"

    @Option(help: "Seed of the fault decisions (default: random, printed at start).")
    var seed: UInt64?

    func validate() throws {
        _ = try settings()
    }

    /// Every flag parsed into proxy settings; any bad value is a one-line `ValidationError` that
    /// names the flag.
    private func settings() throws -> (
        listen: HostAndPort, upstream: HostAndPort, faults: ProxyFaults
    ) {
        let listenEndpoint = try flag("--listen") {
            try FaultValue.parseHostAndPort(listen, allowAnyPort: true)
        }
        let upstreamEndpoint = try flag("--upstream") {
            try FaultValue.parseHostAndPort(upstream, allowAnyPort: false)
        }
        try requireResolvable(listenEndpoint, flag: "--listen")
        try requireResolvable(upstreamEndpoint, flag: "--upstream")
        var faults = DirectionFaults()
        if let delay {
            faults.delay = try duration(delay, flag: "--delay")
        }
        if let jitter {
            faults.jitter = try duration(jitter, flag: "--jitter")
        }
        if let corrupt {
            faults.corruptProbability = try flag("--corrupt") {
                try FaultValue.parsePercentage(corrupt)
            }
        }
        if let bandwidth {
            faults.bandwidthBytesPerSecond = try flag("--bandwidth") {
                try FaultValue.parseRate(bandwidth)
            }
        }
        switch direction {
        case "both":
            return (listenEndpoint, upstreamEndpoint, .both(faults))
        case "to-upstream":
            return (listenEndpoint, upstreamEndpoint, ProxyFaults(toUpstream: faults))
        case "to-client":
            return (listenEndpoint, upstreamEndpoint, ProxyFaults(toClient: faults))
        default:
            throw ValidationError(
                "--direction: '\(direction)' is not a direction; use both, to-upstream or to-client"
            )
        }
    }

    /// A duration in vortex's one syntax (`50ms`, `1s`, `0s`).
    private func duration(_ text: String, flag: String) throws -> Duration {
        do {
            return try DurationSyntax.parse(text, name: flag, allowsZero: true)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// Checks that `endpoint`'s host is an address or a name this machine resolves.
    private func requireResolvable(_ endpoint: HostAndPort, flag: String) throws {
        do {
            _ = try SocketAddress.makeAddressResolvingHost(endpoint.host, port: endpoint.port)
        } catch {
            throw ValidationError(
                "\(flag): '\(endpoint.host)' is not an address or a known host name; give an "
                    + "IP address (e.g. 127.0.0.1:\(endpoint.port == 0 ? 9000 : endpoint.port)) "
                    + "or a name from /etc/hosts"
            )
        }
    }

    /// Runs one parser, turning its error into a usage error prefixed with the flag.
    private func flag<Value>(
        _ name: String,
        _ parse: () throws -> Value
    ) throws -> Value {
        do {
            return try parse()
        } catch let error as FaultValueError {
            throw ValidationError("\(name): \(error.message)")
        }
    }

    func run() async throws {
        let settings = try settings()
        // SIGINT/SIGTERM are caught from here on (synchronously installed, so none is lost
        // while the proxy starts) and stop the proxy.
        let signals = try? SignalWatcher([.interrupt, .terminate])
        let seed = self.seed ?? UInt64.random(in: 0...UInt64.max)
        let proxy: FaultProxy
        do {
            proxy = try await FaultProxy.start(
                listen: settings.listen,
                upstream: settings.upstream,
                seed: seed,
                faults: settings.faults,
                threads: 1
            )
        } catch {
            throw ValidationError(
                "cannot listen on \(settings.listen) (\(Self.reason(of: error))): give --listen "
                    + "a free port on an address of this machine, e.g. 127.0.0.1:0"
            )
        }
        let banner =
            "vortex proxy: listening on \(proxy.listenEndpoint) -> \(settings.upstream)"
            + " seed=\(seed) faults: \(settings.faults)\n"
        FileHandle.standardOutput.write(Data(banner.utf8))
        var signalName = "end of signal stream"
        if let signals {
            for await signal in signals.signals {
                signalName = "\(signal)"
                break
            }
            signals.stop()
        }
        await proxy.stop()
        let summary = "vortex proxy: stopped on \(signalName); \(proxy.counters)\n"
        FileHandle.standardError.write(Data(summary.utf8))
    }

    /// The system's words for a failed bind or resolve, without SwiftNIO's call-site text.
    private static func reason(of error: any Error) -> String {
        if let io = error as? IOError {
            return String(cString: strerror(io.errnoCode))
        }
        return "\(error)"
    }
}
