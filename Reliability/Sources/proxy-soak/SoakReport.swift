// The figures of one soak and its verdict: byte-exact, no connection failed, and the proxy's
// descriptors and resident memory flat between the start and the end of the soak.

import Foundation

struct SoakReport {
    let settings: SoakSettings
    let totals: SoakTally.Totals
    let toggles: [SoakFault: Int]
    let baseline: ProcessSample?
    let first: ProcessSample?
    let exactEnd: ProcessSample?
    let end: ProcessSample?
    let afterClose: ProcessSample?
    let peakResidentKiB: Int
    let counters: String

    /// Descriptors at the end within 4 of the start, back to the baseline after the clients
    /// closed, and memory at the end within 1.5x + 32 MiB of the start.
    var flat: Bool {
        guard let baseline, let first, let end, let afterClose else { return false }
        return end.openDescriptors <= first.openDescriptors + 4
            && afterClose.openDescriptors <= baseline.openDescriptors + 4
            && Double(end.residentKiB) <= Double(first.residentKiB) * 1.5 + 32 * 1024
    }

    var exact: Bool {
        totals.failures.isEmpty && totals.connected == settings.connections
    }

    var passed: Bool { exact && flat }

    var text: String {
        func show(_ sample: ProcessSample?) -> String { sample?.description ?? "gone" }
        let toggleText = toggles.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " ")
        var lines = [
            "proxy-soak: \(settings.connections) connections, \(settings.seconds) s of faults "
                + "changing every second, then \(settings.corruptionSeconds) s of 5% corruption",
            "proxy-soak: fault toggles \(toggleText)",
            "proxy-soak: bytes sent \(totals.bytesSent), received \(totals.bytesReceived), "
                + "chunks exact \(totals.chunksExact), corrupted \(totals.chunksCorrupted)",
            "proxy-soak: proxy \(counters)",
            "proxy-soak: proxy before connections \(show(baseline))",
            "proxy-soak: proxy start \(show(first))",
            "proxy-soak: proxy end of exact phase \(show(exactEnd))",
            "proxy-soak: proxy end \(show(end)), peak rss \(peakResidentKiB)KiB",
            "proxy-soak: proxy after close \(show(afterClose))",
        ]
        for failure in totals.failures { lines.append("proxy-soak: FAILURE \(failure)") }
        lines.append(
            "proxy-soak: \(passed ? "PASS" : "FAIL") byte-exact=\(exact) flat=\(flat)"
        )
        return lines.joined(separator: "\n")
    }

    var json: String {
        func sample(_ s: ProcessSample?) -> Any {
            guard let s else { return NSNull() }
            return [
                "elapsedSeconds": s.elapsedSeconds, "rssKiB": s.residentKiB,
                "fds": s.openDescriptors,
            ]
        }
        let object: [String: Any] = [
            "connections": settings.connections,
            "seconds": settings.seconds,
            "corruptionSeconds": settings.corruptionSeconds,
            "bytesSent": totals.bytesSent,
            "bytesReceived": totals.bytesReceived,
            "chunksExact": totals.chunksExact,
            "chunksCorrupted": totals.chunksCorrupted,
            "failures": totals.failures,
            "toggles": Dictionary(
                uniqueKeysWithValues: toggles.map { ($0.key.rawValue, $0.value) }
            ),
            "baseline": sample(baseline),
            "start": sample(first),
            "end": sample(end),
            "afterClose": sample(afterClose),
            "peakRssKiB": peakResidentKiB,
            "proxyCounters": counters,
            "byteExact": exact,
            "flat": flat,
            "passed": passed,
        ]
        let data =
            (try? JSONSerialization.data(
                withJSONObject: object,
                options: [.sortedKeys, .prettyPrinted]
            )) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
