// The four paths the benchmark compares, each put in front of the same upstream port: direct
// loopback, FaultProxy with no faults (in this process, one event loop thread, as a proxy in the
// harness), socat, and HAProxy in `mode tcp` (child processes, installed by
// Benchmarks/proxy-benchmark). `start` returns the port a client connects to and a teardown.

import FaultProxy
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One way from the client to the upstream.
enum ProxyPath: String, CaseIterable, Sendable {
    case direct
    case faultProxy = "FaultProxy"
    case socat
    case haproxy = "HAProxy"

    /// A running path: where to connect, and how to stop it.
    struct Running {
        let port: Int
        let stop: () async -> Void
    }

    func start(upstreamPort: Int) async throws -> Running {
        switch self {
        case .direct:
            return Running(port: upstreamPort) {}
        case .faultProxy:
            let proxy = try await FaultProxy.start(
                listen: HostAndPort(host: "127.0.0.1", port: 0),
                upstream: HostAndPort(host: "127.0.0.1", port: upstreamPort),
                seed: 1
            )
            return Running(port: proxy.port) { await proxy.stop() }
        case .socat:
            let port = try RawSocket.freePort()
            let process = try ChildProcess.start(
                "socat",
                arguments: [
                    "TCP-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork",
                    "TCP:127.0.0.1:\(upstreamPort),nodelay",
                ]
            )
            try await process.waitUntilListening(port: port)
            return Running(port: port) { process.stop() }
        case .haproxy:
            let port = try RawSocket.freePort()
            let configuration = """
                global
                    maxconn 256
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 120s
                    timeout server 120s
                listen benchmark
                    bind 127.0.0.1:\(port)
                    server upstream 127.0.0.1:\(upstreamPort)

                """
            let file = FileManager.default.temporaryDirectory
                .appendingPathComponent("fault-proxy-benchmark-haproxy-\(getpid()).cfg")
            try configuration.write(to: file, atomically: true, encoding: .utf8)
            let process = try ChildProcess.start(
                "haproxy",
                arguments: ["-q", "-db", "-f", file.path]
            )
            try await process.waitUntilListening(port: port)
            return Running(port: port) {
                process.stop()
                try? FileManager.default.removeItem(at: file)
            }
        }
    }
}

/// A proxy process started from PATH (plus /usr/sbin) with a clean signal mask (this process's
/// threads block signals, and a child inherits the mask), stopped with SIGTERM.
struct ChildProcess {
    let pid: pid_t

    static func start(_ name: String, arguments: [String]) throws -> ChildProcess {
        let searchPath = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin"
        let candidates = searchPath.split(separator: ":").map { "\($0)/\(name)" }
        guard
            let executable = candidates.first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else {
            throw BenchmarkError(
                "\(name) is not installed; run Benchmarks/proxy-benchmark, which installs it"
            )
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else { throw RawSocketError(operation: "spawn \(name)", code: result) }
        return ChildProcess(pid: pid)
    }

    func waitUntilListening(port: Int) async throws {
        let probe = try RawSocket.connectWhenReady(port: port, seconds: 5)
        probe.close()
        // Let a forking proxy (socat) finish with the probe's child before measuring.
        try await Task.sleep(for: .milliseconds(100))
    }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

/// A benchmark that cannot run, with the reason.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) {
        self.description = description
    }
}
