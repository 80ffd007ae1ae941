// The proxy process of a soak: `proxy-soak serve` started from this same executable, driven by
// one line per command over its standard input, each answered by one line.

import Foundation

/// A running `proxy-soak serve` child.
final class ProxyProcess {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffered = Data()
    private(set) var port = 0

    init(upstreamPort: Int, seed: UInt64) throws {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--upstream", "\(upstreamPort)", "--seed", "\(seed)"]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let first = try readLine()
        guard first.hasPrefix("port "), let port = Int(first.dropFirst(5)) else {
            throw UsageError("the proxy process said '\(first)' instead of its port")
        }
        self.port = port
    }

    var pid: Int32 { process.processIdentifier }

    func sample(_ elapsedSeconds: Int) -> ProcessSample? {
        ProcessSample.read(pid: pid, elapsedSeconds: elapsedSeconds)
    }

    /// Sends one command line and returns the answer line.
    @discardableResult
    func command(_ line: String) throws -> String {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
        let answer = try readLine()
        guard !answer.hasPrefix("error") else {
            throw UsageError("the proxy process answered '\(answer)' to '\(line)'")
        }
        return answer
    }

    /// Stops the proxy and waits for the process to end.
    func quit() throws {
        try command("quit")
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    private func readLine() throws -> String {
        while true {
            if let newline = buffered.firstIndex(of: 0x0A) {
                let line = String(decoding: buffered[buffered.startIndex..<newline], as: UTF8.self)
                buffered = Data(buffered[(newline + 1)...])
                return line
            }
            let more = output.fileHandleForReading.availableData
            guard !more.isEmpty else {
                throw UsageError("the proxy process ended unexpectedly")
            }
            buffered.append(more)
        }
    }
}
