/// A sweep's result table: one row per point (or per searched point of the other axes), its
/// columns the axes, the searched key and probe count under a search, then
/// ``SweepRunner/metricColumns``; rendered as CSV or JSON Lines.
public struct SweepTable: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case csv, jsonl
    }

    public var columns: [String]
    public var rows: [[SweepCell]]

    /// An empty table with the columns of `spec` (and its searched key when `searching`).
    public init(spec: SweepSpec, searching: Bool) {
        var columns = spec.axes.map(\.key)
        if searching, let search = spec.search { columns += [search.key, "search_probes"] }
        self.columns = columns + SweepRunner.metricColumns
        rows = []
    }

    /// Appends a row: the leading cells (axes, and the search's), then the metric cells.
    public mutating func append(leading: [SweepCell], cells: [String: SweepCell]) {
        rows.append(leading + SweepRunner.metricColumns.map { cells[$0] ?? .empty })
    }

    /// The table as text: CSV with a header row, or one JSON object per row.
    public func render(_ format: Format) -> String {
        var out = ""
        switch format {
        case .csv:
            out += columns.map { SweepCell.text($0).csv }.joined(separator: ",") + "\n"
            for row in rows { out += row.map(\.csv).joined(separator: ",") + "\n" }
        case .jsonl:
            for row in rows {
                out += "{" + zip(columns, row).map { JSONText.string($0) + ":" + $1.json }.joined(separator: ",") + "}\n"
            }
        }
        return out
    }
}
