import ArgumentParser
import CommandLineSupport
import InferenceLabAnalysis

/// `report EVENTS -o report.html`: a self-contained HTML report.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report (summary, latency CDFs, time series).",
        discussion: """
            One HTML file with inline CSS and SVG: no scripts, no network. Time series are \
            downsampled into at most --windows time windows (min, max and mean per window), so \
            memory stays bounded whatever the length of the log. A fleet's log (schema 2) adds a \
            per-replica section: the table of `summary --by-replica` with the load imbalance, \
            requests routed per replica, and each replica's running and waiting requests and \
            KV-cache use over time (min / median / max across replicas above 8 replicas).
            """
    )

    @Argument(help: "Event log (gzip or plain JSONL; '-' for standard input), or a sweep table (.csv) for its Pareto fronts.")
    var events: String

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("HTML file to write ('-' for standard output).", valueName: "report.html"))
    var output: String

    @Option(name: .customLong("windows"), parsing: .unconditional, help: "Most time windows per chart (even, 10–5000).")
    var windows = 400

    @OptionGroup var log: LogOptions

    func validate() throws {
        if windows < 10 || windows > 5000 { throw ValidationError("--windows must be between 10 and 5000") }
    }

    func run() throws {
        try reportingErrors {
            // Open the output first: a missing directory is reported before a long read.
            let file = try OutputFile(path: output, compression: .none)
            // A sweep table (inference-lab sweep's CSV) gets the sweep page: its Pareto fronts.
            if events.hasSuffix(".csv") {
                let results: SweepResults
                do { results = try SweepResults.read(path: events) } catch { file.abort(); throw error }
                var buffer = ByteBuffer(capacity: 1 << 16)
                var html = results.renderHTML(name: events)
                html.withUTF8 { buffer.append(contentsOf: $0) }
                try file.write(buffer)
                try file.commit()
                return
            }
            let data: ReportData
            do {
                data = try ReportData.read(path: events, allowIncomplete: log.allowIncomplete, buckets: windows)
            } catch {
                file.abort()
                throw error
            }
            warnIfUnfinished(name: data.name, end: data.end)
            var buffer = ByteBuffer(capacity: 1 << 16)
            var html = HTMLReport.render(data)
            html.withUTF8 { buffer.append(contentsOf: $0) }
            try file.write(buffer)
            try file.commit()
        }
    }
}
