// report.html (docs/user-guide.md, "report.html"): one self-contained page per run — inline CSS,
// inline SVG drawn here, a few lines of inline script for the legend, no network, opens from
// disk. From top to bottom: the verdict, its message and the reproduce command; the timeline of
// replicas and network faults; every request's latency; throughput; the faults carried out; the
// run's other files. A pure function of a RunReport.

/// Renders report.html.
public enum RunReportPage {
    /// Command colours (Tableau 10), by a command's index in the report.
    static let palette = [
        "#4e79a7", "#f28e2b", "#59a14f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
        "#bab0ac", "#e15759",
    ]

    /// The page of `report`.
    public static func html(_ report: RunReport) -> String {
        let summary = report.summary
        let points = ReportLatencyChart.drawnPoints(report)
        let title =
            "vortex \(summary.verdict.uppercased()) seed \(summary.seed) — \(summary.reason)"
        var page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        page +=
            "<meta name=\"generator\" content=\"vortex \(ReportDrawing.escape(summary.configuration.vortexVersion))\">"
        page +=
            "<title>\(ReportDrawing.escape(title))</title><style>\(style(report))</style></head>"
        page += "<body data-verdict=\"\(summary.verdict)\" data-seed=\"\(summary.seed)\"><main>"
        page += header(report)
        page += "<h2>Replicas and network faults</h2>"
        page += ReportTimelineChart.svg(report)
        page += timelineLegend()
        page += "<h2>Latency of every request <span class=\"note\">"
        page += "(log scale, by time sent)</span></h2>"
        page += ReportLatencyChart.svg(report, points: points)
        page += commandLegend(report)
        page += pointNote(report, drawnCount: points.count)
        page += "<h2>Throughput <span class=\"note\">(requests finished per second)</span></h2>"
        page += ReportThroughputChart.svg(report)
        page += faultTable(summary)
        page += files(report)
        page += "</main><script>\(script)</script></body></html>\n"
        return page
    }

    private static func header(_ report: RunReport) -> String {
        let summary = report.summary
        let configuration = summary.configuration
        let escape = ReportDrawing.escape
        var html = "<header class=\"verdict \(summary.verdict)\" id=\"verdict\">"
        html += "<div class=\"word\">\(summary.verdict.uppercased())</div><div>"
        html += "<div class=\"reason\">\(escape(summary.reason)) · exit \(summary.exitCode)</div>"
        html += "<div class=\"message\">\(escape(summary.message))</div></div></header>"
        let requests = summary.requests.values.reduce(0, +)
        var facts = [
            ("seed", "\(summary.seed)"),
            ("target", configuration.targetName),
            ("faults", configuration.backend),
            ("replicas", "\(configuration.replicaCount)"),
            (
                "ran",
                "\(ReportDrawing.timeLabel(seconds: summary.elapsedSeconds)) of "
                    + ReportDrawing.timeLabel(seconds: configuration.testDurationSeconds)
            ),
            ("requests", "\(requests) (\(ReportDrawing.number(summary.requestsPerSecond))/s)"),
            (
                "latency",
                "p50 \(ReportDrawing.number(summary.latency.p50Ms)) ms · "
                    + "p99 \(ReportDrawing.number(summary.latency.p99Ms)) ms · "
                    + "max \(ReportDrawing.number(summary.latency.maxMs)) ms"
            ),
        ]
        if let ledger = summary.ledger {
            facts.append(
                (
                    "ledger",
                    "\(ledger.accountsCreated) accounts, \(ledger.transfersCreated) transfers"
                )
            )
        }
        html += "<dl class=\"facts\">"
        for (name, value) in facts {
            html += "<div><dt>\(name)</dt><dd>\(escape(value))</dd></div>"
        }
        html += "</dl>"
        let reproduce = ReproduceCommand.line(
            commandLine: configuration.commandLine,
            seed: summary.seed,
            target: configuration.target
        )
        html +=
            "<p class=\"reproduce\">Reproduce: <code id=\"reproduce\">\(escape(reproduce))</code></p>"
        return html
    }

    private static func timelineLegend() -> String {
        "<p class=\"legend\"><span class=\"key up\"></span>up <span class=\"key paused\"></span>"
            + "paused (SIGSTOP) <span class=\"key terminated\"></span>terminated (SIGKILL) "
            + "<span class=\"key isolated\"></span>isolated (cut off from the network) "
            + "<span class=\"key fail\"></span>failure · hover for times</p>"
    }

    private static func commandLegend(_ report: RunReport) -> String {
        var html = "<p class=\"legend commands\">"
        for (index, command) in report.commands.enumerated() {
            let count = report.summary.requests[command] ?? 0
            html +=
                "<button type=\"button\" data-command=\"c\(index)\"><span class=\"key c\(index)\">"
            html += "</span>\(ReportDrawing.escape(command)) (\(count))</button> "
        }
        if report.unfinishedRequest != nil {
            html += "<span class=\"key cross\">✕</span>request in flight when the run stopped"
        }
        return html + "</p>"
    }

    private static func pointNote(_ report: RunReport, drawnCount: Int) -> String {
        guard drawnCount != report.requestCount else {
            return "<p class=\"note\" id=\"point-note\">Every one of the \(report.requestCount) "
                + "requests is a point. Click a command to hide or show it.</p>"
        }
        return "<p class=\"note\" id=\"point-note\">\(report.requestCount) requests drawn as "
            + "\(drawnCount) points: past \(ReportLatencyChart.exactPointLimit) requests, requests "
            + "of one command that fall on the same pixel share a point (coarser cells when more "
            + "than \(ReportLatencyChart.drawnPointLimit) points remain), so every latency reached "
            + "is still shown. Click a command to hide or show it.</p>"
    }

    private static func faultTable(_ summary: RunSummary) -> String {
        guard !summary.actions.isEmpty else {
            return "<h2>Faults</h2><p class=\"note\">No fault decision was carried out.</p>"
        }
        var html = "<h2>Fault decisions carried out</h2><table class=\"faults\"><tr>"
        let kinds = summary.actions.keys.sorted()
        for kind in kinds { html += "<th>\(ReportDrawing.escape(kind))</th>" }
        html += "</tr><tr>"
        for kind in kinds { html += "<td>\(summary.actions[kind] ?? 0)</td>" }
        return html + "</tr></table>"
    }

    private static func files(_ report: RunReport) -> String {
        var html = "<h2>Files of this run</h2><p class=\"files\">"
        let names =
            ["summary.json", "faults.jsonl", "vortex.log", "driver.log"]
            + (0..<report.summary.configuration.replicaCount).map { "replica-\($0).log" }
        html += names.map { "<a href=\"\($0)\">\($0)</a>" }.joined(separator: " · ")
        html += " · <a href=\"trace.json\">trace.json</a> (every event; open it in Perfetto, "
        html += "ui.perfetto.dev)</p>"
        return html
    }

    private static func style(_ report: RunReport) -> String {
        var css = """
            body{margin:0;background:#f4f5f7;color:#1f2430;font:14px/1.45 system-ui,-apple-system,\
            "Segoe UI",Roboto,sans-serif}main{max-width:1080px;margin:0 auto;padding:18px 22px 40px}\
            h2{font-size:15px;margin:22px 0 6px;color:#333}.note{color:#666;font-weight:normal;\
            font-size:13px}header.verdict{display:flex;gap:18px;align-items:center;color:#fff;\
            border-radius:8px;padding:12px 18px}.verdict .word{font-size:30px;font-weight:700;\
            letter-spacing:1px}.verdict .reason{font-weight:600}.verdict .message{opacity:.95;\
            word-break:break-word}.pass{background:#2f7d4f}.fail{background:#c0392b}\
            .indeterminate{background:#b7791f}dl.facts{display:flex;flex-wrap:wrap;gap:6px 22px;\
            margin:12px 0 4px}dl.facts div{display:flex;gap:6px}dt{color:#666}dd{margin:0;\
            font-weight:600}.reproduce code{background:#fff;border:1px solid #dde1e7;\
            border-radius:4px;padding:2px 6px;font-size:12.5px;word-break:break-all}\
            svg{display:block;width:100%;height:auto;background:#fff;border:1px solid #dde1e7;\
            border-radius:6px}text{font-size:11px;fill:#444}.label{font-size:12px;fill:#222}\
            .axis line{stroke:#999;stroke-width:1}.axis line.grid{stroke:#eceef1}\
            rect.up{fill:#cfe8d5}rect.row-bg{fill:#f3f4f6}rect.paused,.key.paused{fill:#f0b429;\
            background:#f0b429}rect.terminated,.key.terminated{fill:#4a4f57;background:#4a4f57}\
            rect.isolated,.key.isolated{fill:#7b61ff;background:#7b61ff;fill-opacity:.85}\
            .key.up{background:#cfe8d5}rect.band{fill-opacity:.85}rect.delay{fill:#4e79a7}\
            rect.corrupt{fill:#b07aa1}rect.loss{fill:#9c755f}rect.partition{fill:#7b61ff}\
            .failure-marker line{stroke:#d0021b;stroke-width:2}.failure-label{fill:#d0021b;\
            font-weight:700;font-size:12px}.key.fail{background:#d0021b;width:3px}\
            circle.pt{r:1.7px;fill-opacity:.75}.unfinished-request path{stroke:#d0021b;\
            stroke-width:2.5}path.rate{fill:#4e79a7;fill-opacity:.35;stroke:#4e79a7;\
            stroke-width:1}.legend{font-size:13px;color:#444;margin:6px 0}.key{display:inline-block;\
            width:12px;height:12px;border-radius:2px;vertical-align:-1px;margin:0 4px 0 8px}\
            .key.cross{color:#d0021b;width:auto;height:auto;font-weight:700}.legend button{\
            font:inherit;background:none;border:1px solid transparent;border-radius:4px;\
            padding:1px 4px;cursor:pointer}.legend button:hover{border-color:#ccc}\
            .legend button.off{opacity:.35;text-decoration:line-through}table.faults{\
            border-collapse:collapse;background:#fff}table.faults th,table.faults td{\
            border:1px solid #dde1e7;padding:3px 10px;text-align:center}table.faults th{\
            font-weight:600;color:#444}.files a{color:#2b6cb0}
            """
        for index in report.commands.indices {
            let color = palette[index % palette.count]
            css += ".c\(index){fill:\(color);background:\(color)}"
            css += "#latency.hide-c\(index) .c\(index){display:none}"
        }
        return css
    }

    /// The legend's buttons show or hide one command's points.
    private static let script = """
        document.querySelectorAll('.legend button[data-command]').forEach(function(button){\
        button.addEventListener('click',function(){var name=button.dataset.command;\
        document.getElementById('latency').classList.toggle('hide-'+name);\
        button.classList.toggle('off');});});
        """
}
