// The timeline of report.html: one lane per replica (up, paused, terminated; isolation as a
// stripe across the lane's lower half), then one row per kind of network fault with a band for
// each period it was active, and the failure as a red line with its message. Every lane, segment
// and band carries data attributes (replica, state, row, start and end in µs) so that tests and
// tools can read the drawing back.

/// Draws the replica lanes and fault bands.
enum ReportTimelineChart {
    static let laneHeight = 20.0
    static let laneGap = 6.0
    static let rowHeight = 14.0
    static let rowGap = 4.0
    /// Room above the lanes for the failure's label.
    static let top = 20.0

    /// The SVG of the timeline.
    static func svg(_ report: RunReport) -> String {
        let replicaCount = report.summary.configuration.replicaCount
        let endUs = report.endUs
        let plotLeft = ReportDrawing.left
        let plotWidth = ReportDrawing.plotWidth
        let rowsTop = top + Double(replicaCount) * (laneHeight + laneGap) + 8
        let rows = ReportTimeline.bandRows
        let axisY = rowsTop + Double(rows.count) * (rowHeight + rowGap) + 2
        let height = axisY + 22
        let number = ReportDrawing.number
        var svg = "<svg id=\"timeline\" viewBox=\"0 0 \(number(ReportDrawing.width)) "
        svg += "\(number(height))\" data-replicas=\"\(replicaCount)\" "
        svg += "data-end-us=\"\(endUs)\" role=\"img\" aria-label=\"replica and fault timeline\">"
        for replica in 0..<replicaCount {
            let laneTop = top + Double(replica) * (laneHeight + laneGap)
            svg += "<g class=\"lane\" data-replica=\"\(replica)\">"
            svg += "<text class=\"label\" x=\"\(number(plotLeft - 8))\" "
            svg += "y=\"\(number(laneTop + laneHeight / 2 + 4))\" text-anchor=\"end\">"
            svg += "replica \(replica)</text>"
            svg += "<rect class=\"up\" x=\"\(number(plotLeft))\" y=\"\(number(laneTop))\" "
            svg += "width=\"\(number(plotWidth))\" height=\"\(number(laneHeight))\"/>"
            for segment in report.replicaSegments where segment.replica == replica {
                svg += segmentRect(segment, laneTop: laneTop, endUs: endUs)
            }
            svg += "</g>"
        }
        for (index, row) in rows.enumerated() {
            let rowTop = rowsTop + Double(index) * (rowHeight + rowGap)
            svg += "<g class=\"fault-row\" data-row=\"\(row)\">"
            svg += "<text class=\"label\" x=\"\(number(plotLeft - 8))\" "
            svg += "y=\"\(number(rowTop + rowHeight / 2 + 4))\" text-anchor=\"end\">\(row)</text>"
            svg += "<rect class=\"row-bg\" x=\"\(number(plotLeft))\" y=\"\(number(rowTop))\" "
            svg += "width=\"\(number(plotWidth))\" height=\"\(number(rowHeight))\"/>"
            for band in report.networkBands where band.row == row {
                svg += bandRect(band, rowTop: rowTop, endUs: endUs)
            }
            svg += "</g>"
        }
        svg += ReportDrawing.timeAxis(endUs: endUs, top: top, y: axisY)
        svg += ReportDrawing.failureLine(report.failure, endUs: endUs, top: top - 6, bottom: axisY)
        if let failure = report.failure {
            let failureX = ReportDrawing.x(failure.timeUs, endUs: endUs)
            let anchor = failureX > ReportDrawing.width * 0.7 ? "end" : "start"
            let offset = anchor == "end" ? -4.0 : 4.0
            svg += "<text class=\"failure-label\" x=\"\(number(failureX + offset))\" y=\"13\" "
            svg += "text-anchor=\"\(anchor)\">✕ \(ReportDrawing.escape(failure.reason))</text>"
        }
        return svg + "</svg>"
    }

    private static func segmentRect(
        _ segment: ReplicaSegment,
        laneTop: Double,
        endUs: Int64
    )
        -> String
    {
        let number = ReportDrawing.number
        let startX = ReportDrawing.x(segment.startUs, endUs: endUs)
        let width = max(ReportDrawing.x(segment.endUs, endUs: endUs) - startX, 1)
        // Isolation is a stripe over the lower half, so a paused and isolated replica shows both.
        let isStripe = segment.state == .isolated
        let y = isStripe ? laneTop + laneHeight / 2 : laneTop
        let height = isStripe ? laneHeight / 2 : laneHeight
        let tooltip =
            "replica \(segment.replica) \(segment.state.rawValue) "
            + "\(ReportDrawing.timeLabel(seconds: Double(segment.startUs) / 1e6))–"
            + "\(ReportDrawing.timeLabel(seconds: Double(segment.endUs) / 1e6))"
        return "<rect class=\"seg \(segment.state.rawValue)\" data-replica=\"\(segment.replica)\" "
            + "data-state=\"\(segment.state.rawValue)\" data-start-us=\"\(segment.startUs)\" "
            + "data-end-us=\"\(segment.endUs)\" x=\"\(number(startX))\" y=\"\(number(y))\" "
            + "width=\"\(number(width))\" height=\"\(number(height))\"><title>\(tooltip)</title></rect>"
    }

    private static func bandRect(_ band: NetworkBand, rowTop: Double, endUs: Int64) -> String {
        let number = ReportDrawing.number
        let startX = ReportDrawing.x(band.startUs, endUs: endUs)
        let width = max(ReportDrawing.x(band.endUs, endUs: endUs) - startX, 1)
        let tooltip =
            "\(band.label), \(ReportDrawing.timeLabel(seconds: Double(band.startUs) / 1e6))–"
            + "\(ReportDrawing.timeLabel(seconds: Double(band.endUs) / 1e6))"
        return "<rect class=\"band \(band.row)\" data-row=\"\(band.row)\" "
            + "data-start-us=\"\(band.startUs)\" data-end-us=\"\(band.endUs)\" "
            + "x=\"\(number(startX))\" y=\"\(number(rowTop))\" width=\"\(number(width))\" "
            + "height=\"\(number(rowHeight))\"><title>\(ReportDrawing.escape(tooltip))</title></rect>"
    }
}
