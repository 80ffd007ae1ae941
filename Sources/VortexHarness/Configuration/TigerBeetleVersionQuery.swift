// Asks a TigerBeetle binary for its release (`<tigerbeetle> version`) while a run is validated,
// so that the workload's create operations match the replicas before anything starts. Validation
// is synchronous: the answer is read with poll(2) under a deadline, so a binary that hangs or
// floods its output becomes a one-line configuration error, not a stuck `vortex run`.

import Foundation
import ProcessControl

/// Runs `<tigerbeetle> version` and reads the release it prints.
public enum TigerBeetleVersionQuery {
    /// How long `version` may take (it answers in milliseconds; the margin is for a busy host).
    public static let defaultTimeout = Duration.seconds(10)
    /// The most output read; `version` prints one line (`--verbose`: a few kilobytes).
    public static let outputBytesMax = 65_536

    /// The release of the binary at `executable` (an executable path).
    ///
    /// - Throws: ``ConfigurationError`` when the binary cannot start, does not finish within
    ///   `timeout`, fails, or prints no `TigerBeetle version X.Y.Z` line.
    public static func release(
        of executable: String,
        timeout: Duration = defaultTimeout
    ) throws(ConfigurationError) -> TigerBeetleRelease {
        var command = Command(executable, arguments: ["version"])
        command.standardInput = .null
        command.standardOutput = .pipe
        command.standardError = .null
        command.deathSignal = .kill
        let child: ChildProcess
        do {
            child = try command.spawn()
        } catch {
            throw ConfigurationError(
                "--tigerbeetle-executable \(executable): cannot run '\(executable) version': "
                    + "\(error); give a tigerbeetle binary"
            )
        }
        let deadline = ContinuousClock.now + timeout
        let output = readOutput(of: child, until: deadline)
        let termination = waitForExit(of: child, until: deadline)
        guard let termination else {
            try? child.kill()
            throw ConfigurationError(
                "--tigerbeetle-executable \(executable): '\(executable) version' did not finish "
                    + "within \(timeout); give a tigerbeetle binary"
            )
        }
        guard termination.isSuccess else {
            throw ConfigurationError(
                "--tigerbeetle-executable \(executable): '\(executable) version' failed "
                    + "(\(termination)); run it to see why, or give a tigerbeetle binary"
            )
        }
        return try TigerBeetleRelease(
            versionOutput: String(decoding: output, as: UTF8.self),
            executable: executable
        )
    }

    /// Reads the child's standard output until end of file, the deadline or the size limit.
    private static func readOutput(
        of child: ChildProcess,
        until deadline: ContinuousClock.Instant
    ) -> [UInt8] {
        guard let descriptor = child.standardOutput?.fileDescriptor else { return [] }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while output.count < outputBytesMax {
            let remainingMilliseconds = milliseconds(until: deadline)
            guard remainingMilliseconds > 0 else { break }
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, remainingMilliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { break }
            let count = buffer.withUnsafeMutableBytes { bytes in
                read(descriptor, bytes.baseAddress, bytes.count)
            }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard count > 0 else { break }
            output.append(contentsOf: buffer[0..<count])
        }
        return output
    }

    /// The child's end, once the reactor has reaped it; nil when it runs past the deadline.
    private static func waitForExit(
        of child: ChildProcess,
        until deadline: ContinuousClock.Instant
    ) -> Termination? {
        // Bounded by the deadline; the reactor thread reaps the child, this thread only looks.
        while child.termination == nil && ContinuousClock.now < deadline {
            usleep(2_000)
        }
        return child.termination
    }

    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = seconds * 1_000 + attoseconds / 1_000_000_000_000_000 + 1
        return Int32(clamping: milliseconds)
    }
}
