// The latency plot of report.html, after Jepsen's latency-raw: every finished request as a point
// at the moment it was sent, its latency on a log scale, coloured by command; the request left
// unfinished by a failure as a red cross; the failure as a red line.
//
// Size bound (docs/user-guide.md, "report.html"): up to `exactPointLimit` requests every request
// is its own point. Past that, requests of the same command that land on the same pixel share
// one point (they would cover each other anyway); if that still leaves more than
// `drawnPointLimit` points, the grid coarsens to 2, 4, … pixels. The plot states how many
// requests it stands for and how many points it drew (`data-requests`, `data-points`), and the
// page says so in words whenever points were merged.

import Foundation

/// Draws the latency plot.
enum ReportLatencyChart {
    /// Up to this many requests, every request is drawn as its own point.
    static let exactPointLimit = 20_000
    /// Most points drawn after merging.
    static let drawnPointLimit = 40_000
    static let top = 10.0
    static let plotHeight = 300.0

    /// A point as drawn: pixel position, command, requests it stands for.
    struct DrawnPoint: Hashable {
        var x: Double
        var y: Double
        var command: Int
        var count: Int
    }

    /// The log10 range of the y axis in milliseconds: whole decades covering every latency,
    /// at least two of them.
    static func decades(_ report: RunReport) -> ClosedRange<Int> {
        var latencies = report.samples.map(\.latencyUs)
        if let unfinished = report.unfinishedRequest {
            latencies.append(unfinished.endUs - unfinished.startUs)
        }
        guard let smallest = latencies.min(), let largest = latencies.max() else { return 0...3 }
        let low = Int(log10(max(Double(smallest), 1) / 1_000).rounded(.down))
        let high = max(Int(log10(max(Double(largest), 1) / 1_000).rounded(.up)), low + 2)
        return low...high
    }

    /// The y coordinate of a latency.
    static func y(latencyUs: Int64, decades: ClosedRange<Int>) -> Double {
        let value = log10(max(Double(latencyUs), 1) / 1_000)
        let span = Double(decades.upperBound - decades.lowerBound)
        let fraction = (value - Double(decades.lowerBound)) / span
        return top + plotHeight * (1 - min(max(fraction, 0), 1))
    }

    /// The points to draw for `report`, merged as the size bound says.
    static func drawnPoints(_ report: RunReport) -> [DrawnPoint] {
        let decades = decades(report)
        let points = report.samples.map { sample in
            DrawnPoint(
                x: ReportDrawing.x(sample.startUs, endUs: report.endUs),
                y: y(latencyUs: sample.latencyUs, decades: decades),
                command: sample.command,
                count: sample.count
            )
        }
        let isExact = report.samples.allSatisfy { $0.count == 1 }
        if isExact && points.count <= exactPointLimit { return points }
        var cellSize = 1.0
        var merged = merge(points, cellSize: cellSize)
        // Each pass doubles the cell; at 1,024 px a cell covers the plot and one point per
        // command is left, so the loop ends.
        while merged.count > drawnPointLimit && cellSize < 1_024 {
            cellSize *= 2
            merged = merge(points, cellSize: cellSize)
        }
        return merged
    }

    private static func merge(_ points: [DrawnPoint], cellSize: Double) -> [DrawnPoint] {
        struct Key: Hashable {
            var column: Int
            var row: Int
            var command: Int
        }
        var cells: [Key: DrawnPoint] = [:]
        var order: [Key] = []
        for point in points {
            let key = Key(
                column: Int((point.x / cellSize).rounded(.down)),
                row: Int((point.y / cellSize).rounded(.down)),
                command: point.command
            )
            if var existing = cells[key] {
                existing.count += point.count
                cells[key] = existing
            } else {
                cells[key] = DrawnPoint(
                    x: (Double(key.column) + 0.5) * cellSize,
                    y: (Double(key.row) + 0.5) * cellSize,
                    command: point.command,
                    count: point.count
                )
                order.append(key)
            }
        }
        return order.compactMap { cells[$0] }
    }

    /// The SVG of the plot; `points` from `drawnPoints(report)`.
    static func svg(_ report: RunReport, points: [DrawnPoint]) -> String {
        let number = ReportDrawing.number
        let decades = decades(report)
        let bottom = top + plotHeight
        let height = bottom + 24
        var svg = "<svg id=\"latency\" viewBox=\"0 0 \(number(ReportDrawing.width)) "
        svg += "\(number(height))\" data-requests=\"\(report.requestCount)\" "
        svg += "data-points=\"\(points.count)\" role=\"img\" aria-label=\"request latency\">"
        svg += "<g class=\"axis\">"
        for decade in decades {
            let tickY = number(y(latencyUs: Int64(pow(10, Double(decade + 3))), decades: decades))
            svg += "<line class=\"grid\" x1=\"\(number(ReportDrawing.left))\" y1=\"\(tickY)\" "
            svg += "x2=\"\(number(ReportDrawing.width - ReportDrawing.right))\" y2=\"\(tickY)\"/>"
            svg += "<text x=\"\(number(ReportDrawing.left - 8))\" y=\"\(tickY)\" "
            svg +=
                "dy=\"4\" text-anchor=\"end\">\(ReportDrawing.latencyLabel(decade: decade))</text>"
        }
        svg += "</g>"
        svg += ReportDrawing.timeAxis(endUs: report.endUs, top: top, y: bottom)
        svg += "<g class=\"points\">"
        for point in points {
            svg += "<circle class=\"pt c\(point.command)\" cx=\"\(number(point.x))\" "
            svg += "cy=\"\(number(point.y))\"/>"
        }
        svg += "</g>"
        if let unfinished = report.unfinishedRequest {
            let crossX = ReportDrawing.x(unfinished.startUs, endUs: report.endUs)
            let crossY = y(latencyUs: unfinished.endUs - unfinished.startUs, decades: decades)
            let waited = ReportDrawing.durationText(
                microseconds: unfinished.endUs - unfinished.startUs
            )
            svg += "<g class=\"unfinished-request\" data-start-us=\"\(unfinished.startUs)\">"
            svg += "<path d=\"M\(number(crossX - 5)) \(number(crossY - 5))l10 10m0 -10l-10 10\"/>"
            svg += "<title>request in flight when the run stopped: sent at "
            svg += "\(ReportDrawing.timeLabel(seconds: Double(unfinished.startUs) / 1e6)), "
            svg += "no reply after \(waited)</title></g>"
        }
        svg += ReportDrawing.failureLine(
            report.failure,
            endUs: report.endUs,
            top: top,
            bottom: bottom
        )
        return svg + "</svg>"
    }
}
