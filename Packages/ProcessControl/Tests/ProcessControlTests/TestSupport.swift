// Helpers shared by the ProcessControl tests: the fixture program's path, descriptor and
// zombie counts, and bounded waiting for a condition on another process.

import Foundation
import ProcessControl
import Testing

enum TestSupport {
    /// The fixture program, built next to the test bundle.
    static var fixturePath: String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appendingPathComponent(
            "process-control-fixture"
        ).path
    }

    /// Open descriptors of this process.
    static func openDescriptorCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }

    /// Children of this process that have exited but were not reaped.
    static func zombieChildren() -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        var zombies: [Int32] = []
        for task in tasks {
            let list =
                (try? String(contentsOfFile: "/proc/self/task/\(task)/children", encoding: .utf8))
                ?? ""
            for pid in list.split(separator: " ").compactMap({ Int32($0) })
            where processState(pid) == "Z" {
                zombies.append(pid)
            }
        }
        return zombies
    }

    /// The state letter of a process ("R", "S", "Z" …), or nil when it does not exist.
    static func processState(_ pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let rest = stat[stat.index(after: close)...].split(separator: " ")
        return rest.first.map(String.init)
    }

    /// Pids of processes whose command line contains `marker`.
    static func processes(containing marker: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
                return false
            }
            return String(decoding: data, as: UTF8.self).contains(marker)
                && processState(pid) != "Z"
        }
    }

    /// Live `sleep MARKER` processes (however they were started: `sleep`, `exec sleep`, `setsid`).
    static func sleeps(_ marker: String) -> [Int32] {
        processes(containing: "sleep\u{0}\(marker)")
    }

    /// SIGKILLs every process whose command line contains `marker`: clean-up after a test whose
    /// subject is that something may be left running.
    static func killAll(containing marker: String) {
        for pid in processes(containing: marker) {
            kill(pid, SIGKILL)
        }
    }

    /// Waits (bounded) until `condition` holds; returns whether it did.
    static func eventually(
        attempts: Int = 500,
        _ condition: () -> Bool
    ) async -> Bool {
        for _ in 0..<attempts {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    static func uniqueMarker() -> String {
        "9\(UInt32.random(in: 100_000...999_999)).\(UInt32.random(in: 1000...9999))"
    }
}

/// Every ProcessControl suite runs inside this one, one test at a time: they count this
/// process's descriptors and children, which a concurrently running test would disturb.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ProcessControlTests {}
