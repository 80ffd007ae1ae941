// The run's log: every line goes to `<output>/vortex.log` and to standard error (which `--log`
// redirects to a file), in the original's format `YYYY-MM-DD HH:MM:SS.mmmZ level(scope): text`.
// The stamps are the run clock's wall-clock time (RunClock), so they agree with trace.json.
// Lines are written whole with one write(2) each, so concurrent tasks never interleave inside a
// line; a terminal progress line is erased first so log lines stay readable.

import Foundation
import Synchronization

/// Log levels of the original (`error warning info debug`).
enum RunLogLevel: String, Sendable {
    case error
    case warning
    case info
    case debug
}

/// Writes log lines to the output directory and standard error.
final class RunLog: Sendable {
    private let fileDescriptor: Int32
    private let state = Mutex<Bool>(false)  // whether a progress line is on the terminal
    private let stderrIsTerminal: Bool
    private let clock: RunClock

    /// Opens (creates or truncates) `path`; lines are stamped on `clock`.
    init(path: String, clock: RunClock) throws {
        self.clock = clock
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_APPEND, 0o644)
        guard descriptor >= 0 else {
            throw RunError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        fileDescriptor = descriptor
        stderrIsTerminal = isatty(2) == 1
    }

    deinit {
        close(fileDescriptor)
    }

    /// Logs one line.
    func log(_ level: RunLogLevel, _ scope: String, _ message: String) {
        let line =
            "\(Self.timestamp(wallNanoseconds: clock.wallNanoseconds())) \(level.rawValue)(\(scope)): \(message)\n"
        let bytes = Array(line.utf8)
        state.withLock { progressShown in
            Self.writeAll(fileDescriptor, bytes)
            // Debug lines (every supervisor event) go to vortex.log only.
            guard level != .debug else { return }
            if progressShown && stderrIsTerminal {
                Self.writeAll(2, Array("\r\u{1B}[K".utf8))
            }
            Self.writeAll(2, bytes)
        }
    }

    /// Shows `text` as the live progress line on standard output (a terminal).
    func showProgress(_ text: String) {
        state.withLock { progressShown in
            Self.writeAll(1, Array("\r\u{1B}[K\(text)".utf8))
            progressShown = true
        }
    }

    /// Erases the progress line.
    func clearProgress() {
        state.withLock { progressShown in
            if progressShown { Self.writeAll(1, Array("\r\u{1B}[K".utf8)) }
            progressShown = false
        }
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            // Each pass writes at least one byte or stops on an error other than EINTR.
            while offset < buffer.count {
                let written = write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    private static func timestamp(wallNanoseconds: Int64) -> String {
        var seconds = time_t(wallNanoseconds / 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let milliseconds = Int32(wallNanoseconds % 1_000_000_000 / 1_000_000)
        return
            "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(milliseconds, 3))Z"
    }
}
