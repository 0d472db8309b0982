/// Azure LLM inference traces (AzurePublicDataset, 2023 Splitwise and 2024 releases): CSV with
/// `TIMESTAMP,ContextTokens,GeneratedTokens`, naive wall-clock timestamps such as
/// `2023-11-16 18:15:46.6805900` (see ``Timestamp`` for the forms accepted).
struct AzureDecoder: CSVSourceDecoder {
    static let columns = ["TIMESTAMP", "ContextTokens", "GeneratedTokens"]
    private var rows = CSVSourceRows(columns: columns)

    mutating func decode(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into row: inout SourceRow) throws(TraceLineError) -> SourceLineKind {
        let isRow = try rows.decode(line, into: &row) { (b: UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> SourceRow.Time in
            guard let ns = Timestamp.nanoseconds(b) else {
                throw TraceLineError(Self.columns[0], "expected a timestamp like 2023-11-16 18:15:46.6805900 (years \(Timestamp.representable)), got \(SourceValue.text(b))")
            }
            return .nanoseconds(ns)
        }
        return isRow ? .request : .header
    }
}

/// BurstGPT (HPMLL/BurstGPT): CSV with `Timestamp,Model,Request tokens,Response tokens,Total
/// tokens,Log Type`, timestamps in seconds from the trace's start.
///
/// Rows with `Response tokens` = 0 are requests that failed (the README of BurstGPT says so;
/// its `_without_fails` files are the same data without them). They produced no output and
/// would not load the server like a served request, so they are dropped, counted and
/// reported, not converted; so are rows with `Request tokens` = 0. Other columns are ignored.
struct BurstGPTDecoder: CSVSourceDecoder {
    static let columns = ["Timestamp", "Request tokens", "Response tokens"]
    private var rows = CSVSourceRows(columns: columns)

    mutating func decode(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into row: inout SourceRow) throws(TraceLineError) -> SourceLineKind {
        let isRow = try rows.decodeSeconds(line, into: &row)
        guard isRow else { return .header }
        if row.outputTokens == 0 { return .dropped(reason: "failed requests (Response tokens = 0)") }
        if row.promptTokens == 0 { return .dropped(reason: "empty prompts (Request tokens = 0)") }
        return .request
    }
}

/// Vidur's processed traces (`microsoft/vidur` `data/processed_traces/*.csv`): CSV with
/// `arrived_at,num_prefill_tokens,num_decode_tokens` (seconds; other columns ignored).
struct VidurDecoder: CSVSourceDecoder {
    static let columns = ["arrived_at", "num_prefill_tokens", "num_decode_tokens"]
    private var rows = CSVSourceRows(columns: columns)

    mutating func decode(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into row: inout SourceRow) throws(TraceLineError) -> SourceLineKind {
        let isRow = try rows.decodeSeconds(line, into: &row)
        return isRow ? .request : .header
    }
}
