// The built vortex-driver-etcd as the tests run it: a child process fed requests on stdin and
// read for replies on stdout with the Workload codec, its stderr kept in a file the tests read
// (retries and fail-overs are logged there).

import Foundation
import Workload

#if canImport(Glibc)
import Glibc
#endif

/// A running vortex-driver-etcd.
final class EtcdDriverProcess {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    /// The file holding the driver's stderr.
    let logPath: String

    /// The driver binary: next to the test bundle (same products directory), or
    /// $VORTEX_DRIVER_ETCD.
    static func binaryPath() throws -> String {
        if let path = ProcessInfo.processInfo.environment["VORTEX_DRIVER_ETCD"] { return path }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("vortex-driver-etcd").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw EtcdTestError(
            description: "vortex-driver-etcd is not next to \(testBinary.path): run "
                + "`swift build --product vortex-driver-etcd` first"
        )
    }

    /// Starts the driver for cluster 0 on `addresses`, with `environment` added.
    init(addresses: String, logPath: String, environment: [String: String] = [:]) throws {
        self.logPath = logPath
        process.executableURL = URL(fileURLWithPath: try Self.binaryPath())
        process.arguments = ["0", addresses]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardInput = input
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
    }

    /// Writes `request` to the driver's stdin without waiting for the reply.
    func send(_ request: DriverRequest) throws {
        try input.fileHandleForWriting.write(contentsOf: request.encode())
    }

    /// Reads the reply to `request` (sent with `send`).
    func receive(for request: DriverRequest) throws -> DriverReply {
        let header = try readExactly(DriverProtocol.replyHeaderByteCount)
        let count = Int(
            header.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
        )
        let payload = try readExactly(count * request.operation.resultByteCount)
        return try DriverReply.decode(Array(header + payload)[...], for: request)
    }

    /// Sends `request` and reads its reply.
    func call(_ request: DriverRequest) throws -> DriverReply {
        try send(request)
        return try receive(for: request)
    }

    /// Closes the driver's stdin and waits for it to exit; returns how it ended.
    func finish() -> (reason: Process.TerminationReason, status: Int32) {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        return (process.terminationReason, process.terminationStatus)
    }

    /// Sends `signal` and waits for the driver to exit.
    func terminate(with signal: Int32) -> (reason: Process.TerminationReason, status: Int32) {
        Glibc.kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return (process.terminationReason, process.terminationStatus)
    }

    /// Kills the driver if it still runs (for `defer`).
    func kill() {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The driver's stderr so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    private func readExactly(_ count: Int) throws -> Data {
        var data = Data()
        while data.count < count {
            guard let chunk = try output.fileHandleForReading.read(upToCount: count - data.count),
                !chunk.isEmpty
            else {
                throw EtcdTestError(
                    description: "the driver's stdout ended after \(data.count) of \(count) bytes; "
                        + "log: \(log)"
                )
            }
            data.append(chunk)
        }
        return data
    }
}
