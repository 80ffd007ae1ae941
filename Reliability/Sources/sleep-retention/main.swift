// sleep-retention: shows why the inner vortex's memory grows with every request. A request's
// I/O in DriverHandle races the read or write against `Task.sleep(until: deadline)` in a task
// group and cancels the loser; on Linux a cancelled sleep keeps its memory until its deadline
// would have passed, and vortex's deadline is the whole test duration plus two liveness windows.
//   swift run --package-path Reliability -c release sleep-retention 600   (grows ~0.65 KiB/race)
//   swift run --package-path Reliability -c release sleep-retention 0     (flat)

import Foundation

/// This process's resident memory in KiB.
func residentKiB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    let fields = line.split(separator: " ", omittingEmptySubsequences: true)
    return fields.count > 1 ? Int(fields[1]) ?? 0 : 0
}

let deadlineSeconds = Int(CommandLine.arguments.dropFirst().first ?? "600") ?? 600
let racesPerRound = 20_000
print("start: rss \(residentKiB()) KiB; each race cancels a sleep due in \(deadlineSeconds) s")
for round in 1...5 {
    for _ in 0..<racesPerRound {
        let deadline = ContinuousClock.now + .seconds(deadlineSeconds)
        _ = await withTaskGroup(of: Int.self) { group in
            group.addTask {
                await Task.yield()
                return 1
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return 2
            }
            let first = await group.next() ?? 0
            group.cancelAll()
            return first
        }
    }
    print("after \(round * racesPerRound) races: rss \(residentKiB()) KiB")
}
