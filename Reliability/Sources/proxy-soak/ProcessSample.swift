// Resident memory and open descriptors of a process, read from /proc, for the soak's
// "flat at start and end" figures.

import Foundation

/// One reading of a process's resources.
struct ProcessSample: Sendable, CustomStringConvertible {
    let elapsedSeconds: Int
    let residentKiB: Int
    let openDescriptors: Int

    /// Reads `pid`'s VmRSS and the number of entries in its fd directory; nil when it is gone.
    static func read(pid: Int32, elapsedSeconds: Int) -> ProcessSample? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]),
            let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        else { return nil }
        return ProcessSample(
            elapsedSeconds: elapsedSeconds,
            residentKiB: kib,
            openDescriptors: fds.count
        )
    }

    var description: String {
        "t=\(elapsedSeconds)s rss=\(residentKiB)KiB fds=\(openDescriptors)"
    }
}
