/// Azure LLM inference traces (AzurePublicDataset, 2023 Splitwise and 2024 releases): CSV with
/// `TIMESTAMP,ContextTokens,GeneratedTokens`, naive wall-clock timestamps such as
/// `2023-11-16 18:15:46.6805900` (see ``Timestamp`` for the forms accepted).
struct AzureDecoder: SourceRowDecoder {
    static let columns = ["TIMESTAMP", "ContextTokens", "GeneratedTokens"]
    static var fieldNames: (time: String, prompt: String, output: String) { (columns[0], columns[1], columns[2]) }
    private var csv = CSVRow()
    private var header: CSVHeader?

    mutating func decode(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into row: inout SourceRow) throws(TraceLineError) -> SourceLineKind {
        try csv.split(line)
        guard let header else {
            header = try CSVHeader(csv, requiring: Self.columns)
            return .header
        }
        try checkWidth(csv, header)
        let c = header.indices
        let time = try csv.withField(c[0]) { (b: UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> Int64 in
            guard let ns = Timestamp.nanoseconds(b) else {
                throw TraceLineError(Self.columns[0], "expected a timestamp like 2023-11-16 18:15:46.6805900 (years \(Timestamp.representable)), got \(SourceValue.text(b))")
            }
            return ns
        }
        row.time = .nanoseconds(time)
        row.promptTokens = try csv.withField(c[1]) { (b: UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> Int in try SourceValue.tokens(b, field: Self.columns[1]) }
        row.outputTokens = try csv.withField(c[2]) { (b: UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> Int in try SourceValue.tokens(b, field: Self.columns[2]) }
        row.prefixHashes.removeAll(keepingCapacity: true)
        return .request
    }
}

/// BurstGPT (HPMLL/BurstGPT): CSV with `Timestamp,Model,Request tokens,Response tokens,Total
/// tokens,Log Type`, timestamps in seconds from the trace's start.
///
/// Rows with `Response tokens` = 0 are requests that failed (the README of BurstGPT says so;
/// its `_without_fails` files are the same data without them). They produced no output and
/// would not load the server like a served request, so they are dropped, counted and
/// reported, not converted; so are rows with `Request tokens` = 0. Other columns are ignored.
struct BurstGPTDecoder: SourceRowDecoder {
    static let columns = ["Timestamp", "Request tokens", "Response tokens"]
    static var fieldNames: (time: String, prompt: String, output: String) { (columns[0], columns[1], columns[2]) }
    private var csv = CSVRow()
    private var header: CSVHeader?

    mutating func decode(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into row: inout SourceRow) throws(TraceLineError) -> SourceLineKind {
        try csv.split(line)
        guard let header else {
            header = try CSVHeader(csv, requiring: Self.columns)
            return .header
        }
        try checkWidth(csv, header)
        let c = header.indices
        let t = try csv.withField(c[0]) { (b: UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> Double in try SourceValue.number(b, field: Self.columns[0]) }
        guard t >= 0 else { throw TraceLineError(Self.columns[0], "must be ≥ 0, got \(t)") }
        row.time = .seconds(t)
        row.promptTokens = try csv.withField(c[1]) { (b: UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> Int in try SourceValue.tokens(b, field: Self.columns[1]) }
        row.outputTokens = try csv.withField(c[2]) { (b: UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> Int in try SourceValue.tokens(b, field: Self.columns[2]) }
        row.prefixHashes.removeAll(keepingCapacity: true)
        if row.outputTokens == 0 { return .dropped(reason: "failed requests (Response tokens = 0)") }
        if row.promptTokens == 0 { return .dropped(reason: "empty prompts (Request tokens = 0)") }
        return .request
    }
}

/// Vidur's processed traces (`microsoft/vidur` `data/processed_traces/*.csv`): CSV with
/// `arrived_at,num_prefill_tokens,num_decode_tokens` (seconds; other columns ignored).
struct VidurDecoder: SourceRowDecoder {
    static let columns = ["arrived_at", "num_prefill_tokens", "num_decode_tokens"]
    static var fieldNames: (time: String, prompt: String, output: String) { (columns[0], columns[1], columns[2]) }
    private var csv = CSVRow()
    private var header: CSVHeader?

    mutating func decode(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into row: inout SourceRow) throws(TraceLineError) -> SourceLineKind {
        try csv.split(line)
        guard let header else {
            header = try CSVHeader(csv, requiring: Self.columns)
            return .header
        }
        try checkWidth(csv, header)
        let c = header.indices
        let t = try csv.withField(c[0]) { (b: UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> Double in try SourceValue.number(b, field: Self.columns[0]) }
        guard t >= 0 else { throw TraceLineError(Self.columns[0], "must be ≥ 0, got \(t)") }
        row.time = .seconds(t)
        row.promptTokens = try csv.withField(c[1]) { (b: UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> Int in try SourceValue.tokens(b, field: Self.columns[1]) }
        row.outputTokens = try csv.withField(c[2]) { (b: UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> Int in try SourceValue.tokens(b, field: Self.columns[2]) }
        row.prefixHashes.removeAll(keepingCapacity: true)
        return .request
    }
}

/// A data row must have as many columns as the header.
private func checkWidth(_ csv: CSVRow, _ header: CSVHeader) throws(TraceLineError) {
    guard csv.count == header.columnCount else {
        throw TraceLineError(nil, "expected \(header.columnCount) columns as in the header, found \(csv.count)")
    }
}
