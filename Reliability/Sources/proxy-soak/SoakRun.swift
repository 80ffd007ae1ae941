// The soak itself: echo server, proxy process, client threads, a fault change every second, and
// the proxy's resources sampled before the connections open, right after, every 10 s, at the
// end and after the connections closed. Prints a summary and optionally writes it as JSON.

import Foundation
import Synchronization

/// What a soak does.
struct SoakSettings {
    let seconds: Int
    let connections: Int
    let corruptionSeconds: Int
    let seed: UInt64
    let reportPath: String?
}

struct SoakRun {
    let settings: SoakSettings

    func run() async throws -> Bool {
        let echo = try await EchoServer.start()
        defer { Task { await echo.stop() } }
        let proxy = try ProxyProcess(upstreamPort: echo.port, seed: settings.seed)
        let started = ContinuousClock.now
        func elapsed() -> Int { Int((ContinuousClock.now - started).components.seconds) }
        let baseline = proxy.sample(elapsed())

        let tally = SoakTally()
        var threads: [Thread] = []
        for index in 0..<settings.connections {
            let (port, seed) = (proxy.port, settings.seed)
            let thread = Thread {
                SoakClient.run(index: index, port: port, seed: seed, tally: tally)
            }
            thread.stackSize = 256 * 1024
            thread.start()
            threads.append(thread)
        }
        while tally.totals.withLock({ $0.connected + $0.failures.count }) < settings.connections {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .seconds(2))
        let first = proxy.sample(elapsed())
        var samples = [first].compactMap { $0 }

        var random = SoakRandom(seed: settings.seed)
        var toggles: [SoakFault: Int] = [:]
        var previous = SoakFault.none
        for second in 1...max(settings.seconds, 1) {
            let choice =
                previous == .clog
                ? SoakFault.none
                : SoakFault.exact[Int(random.next() % UInt64(SoakFault.exact.count))]
            try proxy.command("faults \(choice.rawValue)")
            toggles[choice, default: 0] += 1
            previous = choice
            try await Task.sleep(for: .seconds(1))
            if second % 10 == 0, let sample = proxy.sample(elapsed()) {
                samples.append(sample)
                let progress = tally.totals.withLock {
                    "\($0.bytesSent) bytes, failures \($0.failures.count)"
                }
                print("proxy-soak: \(sample) \(progress)")
            }
        }
        try proxy.command("faults none")
        let exactEnd = proxy.sample(elapsed())
        if settings.corruptionSeconds > 0 {
            tally.corruptionAllowed.store(true, ordering: .releasing)
            try proxy.command("faults corrupt")
            try await Task.sleep(for: .seconds(settings.corruptionSeconds))
            try proxy.command("faults none")
        }
        let end = proxy.sample(elapsed())
        tally.stopRequested.store(true, ordering: .relaxed)
        while tally.totals.withLock({ $0.finished }) < settings.connections {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .seconds(1))
        let afterClose = proxy.sample(elapsed())
        let counters = try proxy.command("counters")
        try proxy.quit()

        let report = SoakReport(
            settings: settings,
            totals: tally.totals.withLock { $0 },
            toggles: toggles,
            baseline: baseline,
            first: first,
            exactEnd: exactEnd,
            end: end,
            afterClose: afterClose,
            peakResidentKiB: (samples + [end, exactEnd].compactMap { $0 }).map(\.residentKiB).max()
                ?? 0,
            counters: counters
        )
        print(report.text)
        if let path = settings.reportPath {
            try report.json.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return report.passed
    }
}
