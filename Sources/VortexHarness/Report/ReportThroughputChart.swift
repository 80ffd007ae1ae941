// The throughput plot of report.html: finished requests per second over the run, as a stepped
// area on the common time axis. Long runs have more seconds than pixels: neighbouring buckets
// are then averaged so that no bar is narrower than two pixels.

/// Draws requests per second.
enum ReportThroughputChart {
    static let top = 10.0
    static let plotHeight = 100.0
    /// Narrowest bar in pixels.
    static let minimumBarWidth = 2.0

    /// Requests per second of each drawn bar, with its start in µs on the run clock.
    static func bars(_ report: RunReport) -> [(startUs: Int64, perSecond: Double)] {
        let series = report.throughput
        guard !series.counts.isEmpty else { return [] }
        let bucketUs = Int64(series.bucketSeconds) * 1_000_000
        let pixelsPerBucket =
            ReportDrawing.plotWidth * Double(bucketUs) / Double(max(report.endUs, 1))
        let group = max(1, Int((minimumBarWidth / max(pixelsPerBucket, 1e-9)).rounded(.up)))
        return stride(from: 0, to: series.counts.count, by: group).map { first in
            let last = min(first + group, series.counts.count)
            let total = series.counts[first..<last].reduce(0, +)
            let seconds = Double((last - first) * series.bucketSeconds)
            return (report.throughputStartUs + Int64(first) * bucketUs, Double(total) / seconds)
        }
    }

    /// The SVG of the plot.
    static func svg(_ report: RunReport) -> String {
        let number = ReportDrawing.number
        let bottom = top + plotHeight
        let height = bottom + 24
        let bars = bars(report)
        let peak = max(bars.map(\.perSecond).max() ?? 0, 1)
        let scaleTop = niceCeiling(peak)
        var svg = "<svg id=\"throughput\" viewBox=\"0 0 \(number(ReportDrawing.width)) "
        svg += "\(number(height))\" data-bars=\"\(bars.count)\" role=\"img\" "
        svg += "aria-label=\"requests per second\"><g class=\"axis\">"
        for fraction in [0.0, 0.5, 1.0] {
            let tickY = number(bottom - plotHeight * fraction)
            svg += "<line class=\"grid\" x1=\"\(number(ReportDrawing.left))\" y1=\"\(tickY)\" "
            svg += "x2=\"\(number(ReportDrawing.width - ReportDrawing.right))\" y2=\"\(tickY)\"/>"
            svg += "<text x=\"\(number(ReportDrawing.left - 8))\" y=\"\(tickY)\" dy=\"4\" "
            svg += "text-anchor=\"end\">\(number(scaleTop * fraction))/s</text>"
        }
        svg += "</g>"
        svg += ReportDrawing.timeAxis(endUs: report.endUs, top: top, y: bottom)
        if !bars.isEmpty {
            let bucketUs = Int64(report.throughput.bucketSeconds) * 1_000_000
            let barUs = bars.count > 1 ? bars[1].startUs - bars[0].startUs : bucketUs
            var path = "M\(number(ReportDrawing.x(bars[0].startUs, endUs: report.endUs))) "
            path += number(bottom)
            for bar in bars {
                let barY = number(bottom - plotHeight * bar.perSecond / scaleTop)
                path +=
                    "V\(barY)H\(number(ReportDrawing.x(bar.startUs + barUs, endUs: report.endUs)))"
            }
            path += "V\(number(bottom))Z"
            svg += "<path class=\"rate\" d=\"\(path)\"/>"
        }
        svg += ReportDrawing.failureLine(
            report.failure,
            endUs: report.endUs,
            top: top,
            bottom: bottom
        )
        return svg + "</svg>"
    }

    /// The smallest 1, 2 or 5 times a power of ten at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        var magnitude = 1.0
        // Bounded: magnitude grows tenfold each pass until it passes the value.
        while magnitude * 10 <= value { magnitude *= 10 }
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= value {
            return factor * magnitude
        }
        return 10 * magnitude
    }
}
