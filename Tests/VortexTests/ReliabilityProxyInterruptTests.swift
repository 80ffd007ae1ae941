// Reliability: `vortex proxy` interrupted with SIGINT, SIGTERM or SIGKILL while connections are
// open and bytes are in flight. SIGINT/SIGTERM stop it with exit 0 and its counters; SIGKILL
// kills it; either way every client and upstream connection is closed within seconds (nobody
// is left hanging), no process of the trial remains and no temporary file is left.
//
// VORTEX_PROXY_INTERRUPT_TRIALS sets the trials per signal (default 2); scripts/reliability runs
// 20 per signal in its full mode.

import Foundation
import Synchronization
import Testing
import VortexHarness
import Workload

/// A count shared between threads.
final class SharedCount: Sendable {
    private let value = Atomic<Int>(0)
    func add(_ amount: Int) { value.add(amount, ordering: .relaxed) }
    var current: Int { value.load(ordering: .relaxed) }
}

/// A blocking TCP echo server on 127.0.0.1 with a thread per connection; counts open ones.
final class EchoListener: Sendable {
    let port: Int
    private let listener: Int32
    let open = SharedCount()

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && listen(descriptor, 64) == 0
                    && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else {
            Glibc.close(descriptor)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        let open = open
        Thread.detachNewThread {
            while true {
                let connection = accept(descriptor, nil, nil)
                guard connection >= 0 else { return }
                open.add(1)
                Thread.detachNewThread {
                    var buffer = [UInt8](repeating: 0, count: 65_536)
                    while true {
                        let count = recv(connection, &buffer, buffer.count, 0)
                        guard count > 0,
                            send(connection, buffer, count, Int32(MSG_NOSIGNAL)) == count
                        else { break }
                    }
                    close(connection)
                    open.add(-1)
                }
            }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}

/// A client socket connected to 127.0.0.1:`port`, with a receive timeout.
struct ClientSocket {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(
            descriptor,
            SOL_SOCKET,
            SO_RCVTIMEO,
            &timeout,
            socklen_t(MemoryLayout<timeval>.size)
        )
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    func send(_ bytes: [UInt8]) -> Bool {
        Glibc.send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count
    }

    /// Reads until `count` bytes arrived; false on end of stream, error or timeout.
    func receive(_ count: Int) -> Bool {
        var buffer = [UInt8](repeating: 0, count: count)
        var total = 0
        while total < count {
            let read = buffer.withUnsafeMutableBytes { raw in
                recv(descriptor, raw.baseAddress.map { $0 + total }, count - total, 0)
            }
            guard read > 0 else { return false }
            total += read
        }
        return true
    }

    /// Reads until the proxy closes the connection: true on end of stream or reset, false on
    /// the 10-second timeout (the connection was left hanging).
    func drainUntilClosed() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let read = recv(descriptor, &buffer, buffer.count, 0)
            if read > 0 { continue }
            if read == 0 { return true }
            return errno == ECONNRESET || errno == EPIPE
        }
    }

    func close() { Glibc.close(descriptor) }
}

@Suite(.ownThread, .serialized)
struct ReliabilityProxyInterruptTests {
    @Test(.timeLimit(.minutes(15)))
    func interruptedProxyClosesEverything() async throws {
        let perSignal = ReliabilityReport.count("VORTEX_PROXY_INTERRUPT_TRIALS", default: 2)
        var random = VortexRandom(seed: 7_919)
        let echo = try EchoListener()
        defer { echo.stop() }
        for signal in [SIGINT, SIGTERM, SIGKILL] {
            for _ in 0..<perSignal {
                let delayMs = random.uniform(in: 0...59)
                let problems = try await trial(signal: signal, delayMs: delayMs, echo: echo)
                let name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "SIGKILL"
                ReliabilityReport.append(
                    "interrupt-proxy.tsv",
                    [
                        name, "connections-open", "\(delayMs)",
                        problems.isEmpty ? "ok" : problems.joined(separator: "; "),
                    ]
                )
                #expect(problems.isEmpty, "\(name) after \(delayMs) ms: \(problems)")
            }
        }
    }

    private func trial(signal: Int32, delayMs: Int, echo: EchoListener) async throws -> [String] {
        let directory = try TrialDirectory("proxy")
        var problems: [String] = []
        let hostBefore = HostNetworkState.read()
        let temporaryBefore = TemporarySnapshot.take()
        let process = directory.vortexProcess([
            "proxy", "--upstream", "127.0.0.1:\(echo.port)", "--delay", "5ms", "--jitter", "3ms",
            "--bandwidth", "4MB/s", "--seed", "\(delayMs)",
        ])
        try process.run()
        defer { directory.remove() }
        guard let port = try await listeningPort(directory, process) else {
            process.terminate()
            return [
                "no listening line from vortex proxy: \(directory.text(directory.standardError))"
            ]
        }
        // Eight connections: each proves a round trip, then leaves 256 KiB in flight.
        var clients: [ClientSocket] = []
        for _ in 0..<8 {
            let client = try ClientSocket(port: port)
            clients.append(client)
            if !(client.send([UInt8](repeating: 7, count: 1000)) && client.receive(1000)) {
                problems.append("a round trip through the proxy failed before the signal")
            }
            _ = client.send([UInt8](repeating: 9, count: 262_144))
        }
        try await Task.sleep(for: .milliseconds(delayMs))
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + .seconds(15)
        while process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning {
            problems.append("vortex proxy still running 15 s after the signal")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let status = process.terminationStatus
        if signal == SIGKILL {
            if process.terminationReason != .uncaughtSignal || status != SIGKILL {
                problems.append("expected death by SIGKILL, got status \(status)")
            }
        } else if process.terminationReason != .exit || status != 0 {
            problems.append("expected exit 0 after the signal, got status \(status)")
        } else if !directory.text(directory.standardError).contains("stopped on SIG") {
            problems.append("no counters line: \(directory.text(directory.standardError))")
        }
        let hanging = clients.filter { !$0.drainUntilClosed() }.count
        if hanging > 0 { problems.append("\(hanging) client connections left open") }
        for client in clients { client.close() }
        var upstreamOpen = echo.open.current
        for _ in 0..<100 where upstreamOpen > 0 {
            try await Task.sleep(for: .milliseconds(50))
            upstreamOpen = echo.open.current
        }
        if upstreamOpen > 0 { problems.append("\(upstreamOpen) upstream connections left open") }
        let left = try await ProcessScan.waitForTrialProcessesToEnd(
            mentioning: directory.path,
            marker: directory.marker,
            pidNamespace: nil,
            timeout: .seconds(5)
        )
        if !left.isEmpty {
            problems.append("processes left: \(left)")
            ProcessScan.kill(left)
        }
        if !directory.strayTemporaryFiles().isEmpty {
            problems.append("files left in TMPDIR: \(directory.strayTemporaryFiles())")
        }
        let newTemporary = TemporarySnapshot.take().subtracting(temporaryBefore)
        if !newTemporary.isEmpty { problems.append("new temporary files: \(newTemporary)") }
        if HostNetworkState.read() != hostBefore { problems.append("host network changed") }
        return problems
    }

    /// The port of the banner `vortex proxy: listening on 127.0.0.1:PORT -> …`.
    private func listeningPort(_ directory: TrialDirectory, _ process: Process) async throws -> Int?
    {
        for _ in 0..<500 where process.isRunning {
            let text = directory.text(directory.standardOutput)
            if let range = text.range(of: "listening on 127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) { return port }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}
