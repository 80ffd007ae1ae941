// history.jsonl: one line per invocation and per completion of the register workload, in the
// Linearizability package's own format (HistoryEvent.jsonLine, which its parser reads back), on
// the run's one clock (RunClock microseconds). Each line is one write(2), so the file is whole
// up to the last event even if vortex is killed, and `vortex check` can read it at any time.
// Not thread-safe: its one owner (RegisterRecorder) serialises calls.

import Foundation
import Linearizability

/// Appends history events to a file, counting lines.
final class RegisterHistoryFile {
    private let descriptor: Int32
    /// Lines written so far (the 1-based number of the last one).
    private(set) var lineCount = 0

    /// Creates (or truncates) the file at `path`.
    init(path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_APPEND, 0o644)
        guard descriptor >= 0 else {
            throw RunError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Writes `event` as one line; returns its line number.
    @discardableResult
    func append(_ event: HistoryEvent) -> Int {
        let bytes = Array((event.jsonLine + "\n").utf8)
        var offset = 0
        // Bounded by progress: each turn writes bytes or gives up on an error other than EINTR.
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        lineCount += 1
        return lineCount
    }
}
