// The drawing vocabulary shared by report.html's charts: the common time axis (every chart has
// the same width and left margin, so one moment lines up across them, as in Jepsen's plots),
// compact number formatting for SVG coordinates, HTML escaping, and tick choice.

/// Geometry and formatting shared by the report's charts.
enum ReportDrawing {
    /// Width of every chart's viewBox.
    static let width = 1_000.0
    /// Left margin (lane labels, the latency axis).
    static let left = 130.0
    /// Right margin.
    static let right = 16.0
    /// Width of the plotting area.
    static var plotWidth: Double { width - left - right }

    /// The x coordinate of `timeUs` on a time axis that ends at `endUs`.
    static func x(_ timeUs: Int64, endUs: Int64) -> Double {
        let span = Double(max(endUs, 1))
        return left + plotWidth * min(max(Double(timeUs) / span, 0), 1)
    }

    /// `12.3`, `-4`, `100`: a coordinate with at most one decimal, no trailing `.0`.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int((value * 10).rounded())
        let whole = tenths / 10
        let fraction = abs(tenths % 10)
        let sign = tenths < 0 && whole == 0 ? "-" : ""
        return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// `text` safe inside HTML text and double-quoted attributes.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Tick positions in seconds for a time axis of `endSeconds`: a 1-2-5 step (or whole
    /// minutes and hours) giving at most about ten ticks.
    static func timeTicks(endSeconds: Double) -> [Double] {
        let steps: [Double] = [
            0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200,
            14_400, 21_600, 43_200, 86_400,
        ]
        let end = max(endSeconds, 0.1)
        let step = steps.first { end / $0 <= 10 } ?? (end / 10).rounded(.up)
        let count = Int((end / step).rounded(.down))
        return (0...count).map { Double($0) * step }
    }

    /// `0s`, `2.5s`, `1m30s`, `2h05m`: an axis label.
    static func timeLabel(seconds: Double) -> String {
        if seconds < 60 {
            let rounded = (seconds * 10).rounded() / 10
            return rounded == rounded.rounded() ? "\(Int(rounded))s" : "\(rounded)s"
        }
        let total = Int(seconds.rounded())
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        if total < 3_600 {
            return total % 60 == 0 ? "\(total / 60)m" : "\(total / 60)m\(twoDigits(total % 60))s"
        }
        return "\(total / 3_600)h\(twoDigits(total / 60 % 60))m"
    }

    /// `0.1 ms`, `1 ms`, `1 s`, `10 s`: the label of a power of ten of milliseconds.
    static func latencyLabel(decade: Int) -> String {
        switch decade {
        case ..<0: "0." + String(repeating: "0", count: -decade - 1) + "1 ms"
        case 0...2: "1" + String(repeating: "0", count: decade) + " ms"
        default: "1" + String(repeating: "0", count: decade - 3) + " s"
        }
    }

    /// A duration for a tooltip: `850 µs`, `12.4 ms`, `3.21 s`.
    static func durationText(microseconds: Int64) -> String {
        if microseconds < 1_000 { return "\(microseconds) µs" }
        if microseconds < 1_000_000 {
            return "\(number(Double(microseconds) / 1_000)) ms"
        }
        let hundredths = (Double(microseconds) / 10_000).rounded()
        return "\(hundredths / 100) s"
    }

    /// The axis line and labelled ticks under a plot whose bottom is at `y`, with vertical grid
    /// lines from `top`.
    static func timeAxis(endUs: Int64, top: Double, y: Double) -> String {
        var svg = "<g class=\"axis\">"
        svg += "<line x1=\"\(number(left))\" y1=\"\(number(y))\" x2=\"\(number(width - right))\" "
        svg += "y2=\"\(number(y))\"/>"
        for seconds in timeTicks(endSeconds: Double(endUs) / 1e6) {
            let tickX = number(x(Int64(seconds * 1e6), endUs: endUs))
            svg += "<line class=\"grid\" x1=\"\(tickX)\" y1=\"\(number(top))\" x2=\"\(tickX)\" "
            svg += "y2=\"\(number(y))\"/>"
            svg += "<text x=\"\(tickX)\" y=\"\(number(y + 14))\" text-anchor=\"middle\">"
            svg += "\(timeLabel(seconds: seconds))</text>"
        }
        return svg + "</g>"
    }

    /// A vertical line at the failure from `top` to `bottom`, with its message as a tooltip.
    static func failureLine(
        _ failure: ReportFailure?,
        endUs: Int64,
        top: Double,
        bottom: Double
    )
        -> String
    {
        guard let failure else { return "" }
        let lineX = number(x(failure.timeUs, endUs: endUs))
        return "<g class=\"failure-marker\" data-time-us=\"\(failure.timeUs)\">"
            + "<line x1=\"\(lineX)\" y1=\"\(number(top))\" x2=\"\(lineX)\" y2=\"\(number(bottom))\"/>"
            + "<title>\(escape(failure.reason)): \(escape(failure.message))</title></g>"
    }
}
