/// What the CSV sources share: the header with its required columns (time, prompt tokens,
/// output tokens, in that order), the width check of each data row and the two token columns.
/// Each decoder supplies only how its time column reads.
struct CSVSourceRows {
    /// The required columns: time, prompt tokens, output tokens.
    let columns: [String]
    private var csv = CSVRow()
    private var header: CSVHeader?

    init(columns: [String]) { self.columns = columns }

    /// Splits `line`. The first line is the header: it is checked for the required columns and
    /// `false` is returned. For a data row, the time (read by `time` from the first required
    /// column), the prompt and output tokens are stored into `row`, its prefix hashes are
    /// cleared, and `true` is returned.
    mutating func decode(_ line: UnsafeBufferPointer<UInt8>, into row: inout SourceRow,
                         time: (UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> SourceRow.Time) throws(TraceLineError) -> Bool {
        try csv.split(line)
        guard let header else {
            header = try CSVHeader(csv, requiring: columns)
            return false
        }
        guard csv.count == header.columnCount else {
            throw TraceLineError(nil, "expected \(header.columnCount) columns as in the header, found \(csv.count)")
        }
        let c = header.indices
        row.time = try csv.withField(c[0], time)
        let promptField = columns[1], outputField = columns[2]
        row.promptTokens = try csv.withField(c[1]) { (b: UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> Int in try SourceValue.tokens(b, field: promptField) }
        row.outputTokens = try csv.withField(c[2]) { (b: UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> Int in try SourceValue.tokens(b, field: outputField) }
        row.prefixHashes.removeAll(keepingCapacity: true)
        return true
    }

    /// ``decode(_:into:time:)`` for a time column in seconds from the trace's start (a
    /// number ≥ 0).
    mutating func decodeSeconds(_ line: UnsafeBufferPointer<UInt8>, into row: inout SourceRow) throws(TraceLineError) -> Bool {
        let field = columns[0]
        return try decode(line, into: &row) { (b: UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> SourceRow.Time in
            let t = try SourceValue.number(b, field: field)
            guard t >= 0 else { throw TraceLineError(field, "must be ≥ 0, got \(t)") }
            return .seconds(t)
        }
    }
}
