// index.html of a sweep (docs/scale-out.md): one self-contained page with the verdict counts and a
// row per seed — verdict, reason, message, requests, time — linking each run's report.html and
// directory by relative paths, so the page works from disk and after the directory is copied off
// a cluster. A pure function of the sweep.json document.

/// Renders a sweep's index.html.
public enum SweepIndexPage {
    /// The page of `document`.
    public static func html(_ document: SweepDocument) -> String {
        let escape = ReportDrawing.escape
        let counts = document.counts
        var page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        page += "<title>vortex sweep \(escape(document.seeds)): \(counts.fail) fail</title>"
        page +=
            "<style>\(style)</style></head><body data-state=\"\(document.state.rawValue)\"><main>"
        page += "<h1>vortex sweep, seeds \(escape(document.seeds))</h1>"
        page += "<p class=\"counts\"><span class=\"pass\">\(counts.pass) pass</span> "
        page += "<span class=\"fail\">\(counts.fail) fail</span> "
        page += "<span class=\"indeterminate\">\(counts.indeterminate) indeterminate</span> "
        page += "<span class=\"unfinished\">\(counts.unfinished) without a verdict</span></p>"
        page += "<p class=\"facts\">\(document.state.rawValue) · \(escape(document.engine))"
        page += document.slurmJobId.map { " job \(escape($0))" } ?? ""
        page += " · \(document.jobs) at once · started \(escape(document.startedAt)) · "
        page += "\(SweepText.clock(document.elapsedSeconds)) · run flags: <code>"
        page +=
            "\(escape(document.runArguments.map(ReproduceCommand.quote).joined(separator: " ")))"
        page += "</code> · <a href=\"sweep.json\">sweep.json</a></p>"
        page += "<table><thead><tr><th>seed</th><th>verdict</th><th>reason</th><th>requests</th>"
        page += "<th>time</th><th>report</th><th>message</th></tr></thead><tbody>"
        for record in document.runs {
            let verdict =
                record.status == .finished ? record.verdict ?? "fail" : record.status.rawValue
            page += "<tr class=\"\(escape(verdict))\" data-seed=\"\(record.seed)\" "
            page += "data-verdict=\"\(escape(verdict))\"><td>\(record.seed)</td>"
            page += "<td class=\"verdict\">\(escape(verdict))</td>"
            page += "<td>\(escape(record.reason ?? ""))</td>"
            page += "<td class=\"number\">\(record.requests.map(String.init) ?? "")</td>"
            page +=
                "<td class=\"number\">\(record.elapsedSeconds.map { SweepText.clock($0) } ?? "")</td>"
            page += "<td>"
            if let report = record.report {
                page += "<a class=\"report\" href=\"\(escape(report))\">report</a>"
            }
            if record.kept == "all", let output = record.output {
                page += " <a href=\"\(escape(output))/\">files</a>"
            }
            page += "</td><td class=\"message\">\(escape(record.message ?? ""))"
            if record.status == .finished && record.verdict != "pass" {
                page += "<div class=\"reproduce\"><code>\(escape(record.reproduce))</code></div>"
            }
            page += "</td></tr>"
        }
        page += "</tbody></table></main></body></html>\n"
        return page
    }

    private static let style = """
        body{margin:0;background:#f4f5f7;color:#1f2430;font:14px/1.45 system-ui,-apple-system,\
        "Segoe UI",Roboto,sans-serif}main{max-width:1180px;margin:0 auto;padding:18px 22px 40px}\
        h1{font-size:20px;margin:4px 0 8px}.counts span{display:inline-block;padding:3px 10px;\
        border-radius:4px;color:#fff;font-weight:600;margin-right:6px}.counts .pass{\
        background:#2f7d4f}.counts .fail{background:#c0392b}.counts .indeterminate{\
        background:#b7791f}.counts .unfinished{background:#718096}.facts{color:#555}\
        table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid \
        #e2e5ea;padding:5px 8px;text-align:left;vertical-align:top}th{background:#eef0f3}\
        td.number{text-align:right;font-variant-numeric:tabular-nums}tr.pass td.verdict{\
        color:#2f7d4f;font-weight:600}tr.fail td.verdict{color:#c0392b;font-weight:700}\
        tr.fail{background:#fdf1f0}tr.indeterminate td.verdict{color:#b7791f;font-weight:600}\
        td.message{max-width:520px;word-break:break-word}.reproduce code,.facts code{\
        font-size:12px;background:#f4f5f7;padding:1px 4px;border-radius:3px}a{color:#2b6cb0}
        """
}
