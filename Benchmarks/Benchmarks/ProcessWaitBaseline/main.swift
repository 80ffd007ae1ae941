// ProcessWaitBaseline: spawn+wait of /bin/true from a command-line program's main thread, where
// Foundation's Process.waitUntilExit spins the run loop in 50 ms steps, next to ProcessControl
// awaited from the same top-level code and Foundation called from a background thread.
// ordo-one/benchmark runs its closures off the main thread, so this case needs its own program.
//
//   swift run --package-path Benchmarks -c release ProcessWaitBaseline

import Dispatch
import Foundation
import ProcessControl

let rounds = 40

func median(_ samples: [Double]) -> Double {
    samples.sorted()[samples.count / 2]
}

func microseconds(since start: UInt64) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000
}

func foundationRound() throws -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return microseconds(since: start)
}

/// ProcessControl's spawn+wait from synchronous code: a task awaited through a semaphore.
func processControlRound() -> Double {
    let done = DispatchSemaphore(value: 0)
    let box = Box()
    Task.detached {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try? await Command("/bin/true").spawn().wait()
        box.value = microseconds(since: start)
        done.signal()
    }
    done.wait()
    return box.value
}

final class Box: @unchecked Sendable {
    var value = Double.nan
}

// No top-level await in this file: the main thread runs plain synchronous code, as in a
// command-line tool, which is where waitUntilExit's run-loop polling shows.
var foundationMain: [Double] = []
var processControl: [Double] = []
for _ in 0..<rounds {
    foundationMain.append((try? foundationRound()) ?? .nan)
    processControl.append(processControlRound())
}

let backgroundDone = DispatchSemaphore(value: 0)
let backgroundBox = SamplesBox()
Thread.detachNewThread {
    for _ in 0..<rounds {
        backgroundBox.samples.append((try? foundationRound()) ?? .nan)
    }
    backgroundDone.signal()
}
backgroundDone.wait()
let background = backgroundBox.samples

final class SamplesBox: @unchecked Sendable {
    var samples: [Double] = []
}

let ours = median(processControl)
print("spawn+wait /bin/true, p50 of \(rounds) rounds each, interleaved:")
print(String(format: "  ProcessControl (from synchronous main):      %8.0f µs", ours))
print(
    String(
        format: "  Foundation waitUntilExit, main thread:       %8.0f µs  (%.1f× ProcessControl)",
        median(foundationMain),
        median(foundationMain) / ours
    )
)
print(
    String(
        format: "  Foundation waitUntilExit, background thread: %8.0f µs  (%.1f× ProcessControl)",
        median(background),
        median(background) / ours
    )
)
