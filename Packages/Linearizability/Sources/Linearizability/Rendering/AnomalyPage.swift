// anomaly.html: a self-contained page (inline CSS and SVG, no script, no network) showing, for
// each key that is not linearizable, its operations on one lane per client process, with the
// minimal non-linearizable set highlighted, the blocked operation outlined and the longest
// linearization found numbered in order. A pure function of the history and the check.

/// Renders a check as HTML.
public enum AnomalyPage {
    /// The whole page for `check` of `history`.
    public static func render(_ history: History, _ check: HistoryCheck) -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>Linearizability: \(HTMLText.escape(history.source))</title>
            <style>\(style)</style></head><body>
            <h1>\(HTMLText.escape(history.source)): \(check.verdict.rawValue)</h1>
            <p>\(check.keys.count) key(s) checked, \(check.violations.count) not linearizable, \
            \(history.operations.count) operations.</p>
            <p class="legend"><span class="swatch minimal"></span>minimal set that cannot be ordered \
            <span class="swatch prefix"></span>longest order found (numbered) \
            <span class="swatch blocked"></span>could not be ordered after it \
            <span class="swatch failed"></span>failed (no effect) \
            <span class="swatch unknown"></span>unknown outcome (runs to the right edge)</p>

            """
        var byKey: [Int: [RegisterOperation]] = [:]
        for operation in history.operations {
            byKey[operation.key, default: []].append(operation)
        }
        for keyCheck in check.violations {
            guard let violation = keyCheck.violation else { continue }
            page += section(violation, operations: byKey[keyCheck.key] ?? [])
        }
        for keyCheck in check.keys where keyCheck.verdict == .unknown {
            page +=
                "<p>key \(keyCheck.key): unknown (\(HTMLText.escape(keyCheck.unknownReason ?? "")))</p>\n"
        }
        return page + "</body></html>\n"
    }

    private static func section(_ violation: Violation, operations: [RegisterOperation]) -> String {
        let timeline = KeyTimeline(operations: operations)
        let minimal = Set(violation.minimal)
        let blocked = Set(violation.blocked)
        var order: [Int: Int] = [:]
        for (position, id) in violation.linearizedPrefix.enumerated() { order[id] = position + 1 }
        var svg = """
            <section><h2>key \(violation.key): not linearizable</h2>
            <p>Longest order found: \(violation.linearizedPrefix.count) operation(s); \
            minimal set: \(violation.minimal.count) operation(s)\
            \(violation.minimalIsComplete ? "" : " (minimisation stopped at its effort bound)").</p>
            <div class="scroll"><svg width="\(timeline.width)" \
            height="\(timeline.height)" font-family="monospace" font-size="11">

            """
        for (lane, process) in timeline.processes.enumerated() {
            let y = lane * KeyTimeline.laneHeight
            svg += """
                <g class="lane"><rect class="lane-bg" x="0" y="\(y)" width="\(timeline.width)" \
                height="\(KeyTimeline.laneHeight)"/><text x="6" y="\(y + 19)">process \(process)</text></g>

                """
        }
        for bar in timeline.bars {
            let operation = bar.operation
            var classes = ["op"]
            if operation.outcome == .failed { classes.append("failed") }
            if operation.outcome == .unknown { classes.append("unknown") }
            if order[operation.id] != nil { classes.append("prefix") }
            if minimal.contains(operation.id) { classes.append("minimal") }
            if blocked.contains(operation.id) { classes.append("blocked") }
            let y = bar.lane * KeyTimeline.laneHeight + 4
            let number = order[operation.id].map { "#\($0) " } ?? ""
            let tip =
                "\(operation.label), process \(operation.process), invoked \(operation.invokeTimeUs)"
                + (operation.completeTimeUs.map { ", completed \($0)" } ?? ", no completion")
                + (operation.invokeLine > 0 ? ", line \(operation.invokeLine)" : "")
            svg += """
                <g class="\(classes.joined(separator: " "))"><title>\(HTMLText.escape(tip))</title>\
                <rect x="\(bar.x)" y="\(y)" width="\(bar.width)" height="\(KeyTimeline.laneHeight - 8)" rx="3"/>\
                <text x="\(bar.x + 3)" y="\(y + 15)">\(HTMLText.escape(number + operation.label))</text></g>

                """
        }
        svg += "</svg></div>\n" + table(violation, operations: operations) + "</section>\n"
        return svg
    }

    private static func table(_ violation: Violation, operations: [RegisterOperation]) -> String {
        let byID = Dictionary(uniqueKeysWithValues: operations.map { ($0.id, $0) })
        var rows =
            "<table><tr><th>minimal set</th><th>process</th><th>invoked</th><th>completed</th><th>line</th></tr>\n"
        for id in violation.minimal {
            guard let operation = byID[id] else { continue }
            rows +=
                "<tr><td>\(HTMLText.escape(operation.label))</td><td>\(operation.process)</td>"
                + "<td>\(operation.invokeTimeUs)</td>"
                + "<td>\(operation.completeTimeUs.map(String.init) ?? "never")</td>"
                + "<td>\(operation.invokeLine)</td></tr>\n"
        }
        return rows + "</table>\n"
    }

    private static let style = """
        body{font-family:sans-serif;margin:1em;color:#222}
        .scroll{overflow-x:auto;border:1px solid #ccc}
        .lane-bg{fill:#fafafa;stroke:#e4e4e4}
        .op rect{fill:#c9d6e8;stroke:#6d87a8}
        .op.prefix rect{fill:#cfe8c9;stroke:#5b9a4f}
        .op.failed rect{fill:#eee;stroke:#aaa;stroke-dasharray:3 2}
        .op.unknown rect{stroke-dasharray:6 3}
        .op.minimal rect{fill:#f6b5b0;stroke:#c0392b;stroke-width:2}
        .op.blocked rect{stroke:#7b0d0d;stroke-width:3}
        .legend .swatch{display:inline-block;width:1.2em;height:.9em;margin:0 .3em 0 1em;border:1px solid #888}
        .swatch.minimal{background:#f6b5b0}.swatch.prefix{background:#cfe8c9}
        .swatch.blocked{border:3px solid #7b0d0d}.swatch.failed{background:#eee}
        .swatch.unknown{border-style:dashed}
        table{border-collapse:collapse;margin-top:.5em}td,th{border:1px solid #ccc;padding:2px 8px}
        """
}
