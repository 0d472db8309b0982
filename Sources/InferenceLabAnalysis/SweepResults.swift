/// A sweep table (`inference-lab sweep`'s CSV) read back: its rows sorted by cost, and the
/// Pareto fronts a deployment choice is made on (tokens per dollar against p99 TTFT, output
/// throughput per GPU against p99 TPOT).
public struct SweepResults: Sendable {
    public var columns: [String]
    public var rows: [[String]]
    /// The columns before `error`: the axes (and, after a search, the searched key and the
    /// probe count).
    public var axisColumns: [String]

    /// Reads a sweep CSV.
    ///
    /// - Throws: ``InputError`` naming the file and line: unreadable, not a sweep table (no
    ///   `error` or `cost_per_hour` column), or a row with the wrong number of fields.
    public static func read(path: String) throws(InputError) -> SweepResults {
        let text: String
        switch ConfigFileReader.readText(path: path, maxSize: 1 << 30) {
        case .success(let t): text = t
        case .failure(let reason): throw InputError(file: path, message: reason.message)
        }
        return try parse(text, file: path)
    }

    /// Whether text looks like a sweep table (its header has the sweep's columns).
    public static func isSweepTable(_ firstLine: Substring) -> Bool {
        firstLine.contains(",error,") && firstLine.contains(",tokens_per_dollar,")
    }

    public static func parse(_ text: String, file: String) throws(InputError) -> SweepResults {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let header = lines.first, isSweepTable(header) else {
            throw InputError(file: file, line: 1, "not a sweep table (inference-lab sweep's CSV has error and tokens_per_dollar columns)")
        }
        let columns = fields(header)
        var rows: [[String]] = []
        for (i, line) in lines.dropFirst().enumerated() {
            let row = fields(line)
            guard row.count == columns.count else {
                throw InputError(file: file, line: i + 2, "has \(row.count) fields; the header has \(columns.count)")
            }
            rows.append(row)
        }
        let axes = Array(columns.prefix(while: { $0 != "error" }))
        return SweepResults(columns: columns, rows: rows, axisColumns: axes)
    }

    /// CSV fields, with double-quoted fields ("" for a quote).
    static func fields(_ line: Substring) -> [String] {
        var out: [String] = [], field = "", quoted = false, wasQuoted = false
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if quoted {
                if c == "\"" {
                    let n = line.index(after: i)
                    if n < line.endIndex && line[n] == "\"" { field.append("\""); i = n } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" && field.isEmpty && !wasQuoted {
                quoted = true; wasQuoted = true
            } else if c == "," {
                out.append(field); field = ""; wasQuoted = false
            } else if c != "\r" {
                field.append(c)
            }
            i = line.index(after: i)
        }
        out.append(field)
        return out
    }

    /// The value of `column` in `row` as a number (nil when empty or absent).
    public func number(_ row: [String], _ column: String) -> Double? {
        guard let i = columns.firstIndex(of: column) else { return nil }
        return Double(row[i])
    }

    public func text(_ row: [String], _ column: String) -> String {
        guard let i = columns.firstIndex(of: column) else { return "" }
        return row[i]
    }

    /// Rows sorted by `cost_per_hour` (then most tokens per dollar); rows with an error or no
    /// price last, ties in file order.
    public var byCost: [[String]] {
        rows.enumerated().sorted { a, b in
            let ca = text(a.1, "error").isEmpty ? number(a.1, "cost_per_hour") ?? .infinity : .infinity
            let cb = text(b.1, "error").isEmpty ? number(b.1, "cost_per_hour") ?? .infinity : .infinity
            if ca != cb { return ca < cb }
            let ta = number(a.1, "tokens_per_dollar") ?? -1, tb = number(b.1, "tokens_per_dollar") ?? -1
            if ta != tb { return ta > tb }
            return a.0 < b.0
        }.map(\.1)
    }

    /// The rows on the Pareto front of `better` (larger is better) against `latency`
    /// (smaller is better): no other row has both a lower-or-equal latency and a larger
    /// value. In order of latency.
    public func paretoFront(better: String, latency: String) -> [[String]] {
        let candidates = rows.filter { text($0, "error").isEmpty && number($0, better) != nil && number($0, latency) != nil }
            .sorted { a, b in
                let la = number(a, latency)!, lb = number(b, latency)!
                return la != lb ? la < lb : number(a, better)! > number(b, better)!
            }
        var front: [[String]] = []
        var best = -Double.infinity
        for row in candidates where number(row, better)! > best {
            front.append(row)
            best = number(row, better)!
        }
        return front
    }

    /// The two fronts: (title, value column, latency column).
    public static let fronts = [
        ("Tokens per dollar vs p99 TTFT", "tokens_per_dollar", "p99_ttft_ms"),
        ("Output throughput per GPU vs p99 TPOT", "output_throughput_per_gpu", "p99_tpot_ms"),
    ]

    /// A row's axis values as `key=value` text.
    public func label(_ row: [String]) -> String {
        axisColumns.filter { $0 != "search_probes" }.map { "\($0)=\(text(row, $0))" }.joined(separator: " ")
    }

    /// The text report: the table sorted by cost, then each Pareto front.
    public func renderText() -> String {
        let shown = axisColumns + ["gpus", "cost_per_hour", "tokens_per_dollar", "output_throughput_per_gpu",
                                   "p99_ttft_ms", "p99_tpot_ms", "goodput", "slo_attainment", "slo_met", "error"]
        func cell(_ row: [String], _ c: String) -> String {
            if let x = number(row, c), !axisColumns.contains(c) { return TextFormat.compact(x) }
            return text(row, c)
        }
        let sorted = byCost
        var widths = shown.map(\.count)
        for row in sorted { for (i, c) in shown.enumerated() { widths[i] = max(widths[i], min(cell(row, c).count, 60)) } }
        var out = "SWEEP (\(rows.count) points, cheapest first)\n"
        let leftAligned = Set(axisColumns + ["error"])
        out += zip(shown, widths).map { TextFormat.pad($0, $1, left: leftAligned.contains($0)) }.joined(separator: "  ") + "\n"
        for row in sorted {
            out += zip(shown, widths).map { TextFormat.pad(String(cell(row, $0).prefix(60)), $1, left: leftAligned.contains($0)) }
                .joined(separator: "  ") + "\n"
        }
        for (title, better, latency) in Self.fronts {
            out += "\nPARETO FRONT: \(title) (\(better) ↑, \(latency) ↓)\n"
            let front = paretoFront(better: better, latency: latency)
            if front.isEmpty { out += "  (no rows with both values)\n" }
            for row in front {
                out += "  \(TextFormat.pad(TextFormat.compact(number(row, latency)!), 10)) ms  "
                    + "\(TextFormat.pad(TextFormat.compact(number(row, better)!), 12, left: true))  \(label(row))\n"
            }
        }
        return out
    }

    /// A self-contained HTML page: the two fronts as SVG charts and the table sorted by cost.
    public func renderHTML(name: String) -> String {
        var body = "<h1>inference-lab sweep: \(HTMLText.escape(name))</h1>\n"
        for (title, better, latency) in Self.fronts {
            let front = paretoFront(better: better, latency: latency)
            let all = rows.filter { text($0, "error").isEmpty }.compactMap { r -> (x: Double, y: Double)? in
                guard let x = number(r, latency), let y = number(r, better) else { return nil }
                return (x, y)
            }.sorted { $0.x < $1.x }
            let chart = SVGChart(title: title, xLabel: "\(latency)", yLabel: better, lines: [
                .init(name: "Pareto front", color: "#d62728", points: front.map { (number($0, latency)!, number($0, better)!) }),
                .init(name: "all points (by latency)", color: "#c7c7c7", points: all),
            ])
            body += chart.render() + "\n<ol>\n"
            for row in front {
                body += "<li>\(HTMLText.escape(label(row))): \(latency) \(TextFormat.compact(number(row, latency)!)), "
                    + "\(better) \(TextFormat.compact(number(row, better)!))</li>\n"
            }
            body += "</ol>\n"
        }
        let shown = axisColumns + ["gpus", "cost_per_hour", "tokens_per_dollar", "output_throughput_per_gpu",
                                   "p99_ttft_ms", "p99_tpot_ms", "slo_attainment", "slo_met", "error"]
        body += "<h2>Points, cheapest first</h2>\n<table>\n<tr>" + shown.map { "<th>\(HTMLText.escape($0))</th>" }.joined() + "</tr>\n"
        for row in byCost {
            body += "<tr>" + shown.map { c in
                let v = number(row, c).map { axisColumns.contains(c) ? text(row, c) : TextFormat.compact($0) } ?? text(row, c)
                return "<td>\(HTMLText.escape(v))</td>"
            }.joined() + "</tr>\n"
        }
        body += "</table>\n"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>inference-lab sweep</title>
            <style>\(HTMLReport.css)</style>
            </head><body>
            \(body)</body></html>

            """
    }
}
