/// A trace format that `inference-lab convert` reads.
public enum TraceFormat: String, CaseIterable, Sendable {
    /// Azure LLM inference traces: CSV `TIMESTAMP,ContextTokens,GeneratedTokens`.
    case azure
    /// Mooncake FAST'25: JSONL `timestamp` (ms), `input_length`, `output_length`, `hash_ids`
    /// (512-token blocks).
    case mooncake
    /// BurstGPT: CSV `Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type`.
    case burstgpt
    /// Vidur's processed traces: CSV `arrived_at,num_prefill_tokens,num_decode_tokens`.
    case vidur
}

/// What a conversion did.
public struct ConversionReport: Sendable, Equatable {
    /// Requests written.
    public var written = 0
    /// Valid rows left out by the format's rules (BurstGPT's failed requests), per reason,
    /// in order of first occurrence.
    public var dropped: [(reason: String, count: Int)] = []
    /// Invalid rows skipped under `skipInvalid`.
    public var skipped = SkippedLines()

    public init() {}

    public static func == (a: ConversionReport, b: ConversionReport) -> Bool {
        a.written == b.written && a.skipped == b.skipped
            && a.dropped.map(\.reason) == b.dropped.map(\.reason) && a.dropped.map(\.count) == b.dropped.map(\.count)
    }

    mutating func drop(_ reason: String) {
        if let k = dropped.firstIndex(where: { $0.reason == reason }) { dropped[k].count += 1 }
        else { dropped.append((reason, 1)) }
    }
}

/// Converts public request traces to the native format (traces/README.md), streaming: the input
/// (gzip or plain, `-` for standard input) is read line by line and the output written as it
/// goes, through an atomic ``TraceWriter`` (gzip when the name ends in `.gz`, `-` for
/// standard output).
///
/// For every format: `arrival_time` is the row's time minus the first converted row's, in
/// seconds, rounded to 1e-7 s (so the first line says 0.0); lengths are copied unchanged;
/// rows must be sorted by time (a row earlier than the one before is an error: the converter
/// streams and does not sort); a zero prompt or output length is an error (except for the
/// rows BurstGPT's rule drops). Bad rows are ``InputError``s naming the file, the line and the
/// source's field, or are skipped and counted with `skipInvalid`.
///
/// This reproduces the files of `traces-public/native/` from `traces-public/raw/`.
public enum TraceConverter {
    /// Converts `input` (in `format`) to a native trace at `output`.
    /// - Throws: ``InputError`` for bad input (nothing is left at `output`), ``OutputError``
    ///   when writing fails.
    public static func convert(from format: TraceFormat, input: String, output: String,
                               skipInvalid: Bool = false) throws -> ConversionReport {
        switch format {
        case .azure: return try run(AzureDecoder(), input: input, output: output, skipInvalid: skipInvalid)
        case .mooncake: return try run(MooncakeDecoder(), input: input, output: output, skipInvalid: skipInvalid)
        case .burstgpt: return try run(BurstGPTDecoder(), input: input, output: output, skipInvalid: skipInvalid)
        case .vidur: return try run(VidurDecoder(), input: input, output: output, skipInvalid: skipInvalid)
        }
    }

    private static func run<Decoder: SourceRowDecoder>(_ decoder: Decoder, input: String, output: String,
                                                      skipInvalid: Bool) throws -> ConversionReport {
        var decoder = decoder
        let reader = try InputReader(path: input)
        let writer = try TraceWriter(path: output)
        var report = ConversionReport()
        var row = SourceRow()
        var origin: SourceRow.Time?
        var previous = -Double.infinity
        var previousLine = 0
        let names = Decoder.fieldNames
        do {
            while true {
                let bytes: UnsafeBufferPointer<UInt8>?
                do {
                    bytes = try reader.nextLine()
                } catch {
                    if skipInvalid && reader.canResumeAfterError { report.skipped.record(error); continue }
                    throw error
                }
                guard let bytes else { break }
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                let number = reader.lineNumber
                do {
                    let kind: SourceLineKind
                    do {
                        kind = try decoder.decode(bytes, lineNumber: number, into: &row)
                    } catch {
                        throw InputError(file: reader.name, line: number, field: error.field, error.message)
                    }
                    switch kind {
                    case .header: continue
                    case .dropped(let reason): report.drop(reason); continue
                    case .request: break
                    }
                    if row.promptTokens < 1 {
                        throw InputError(file: reader.name, line: number, field: names.prompt, "must be a positive number of tokens, got \(row.promptTokens)")
                    }
                    if row.outputTokens < 1 {
                        throw InputError(file: reader.name, line: number, field: names.output, "must be a positive number of tokens, got \(row.outputTokens)")
                    }
                    let t = seconds(row.time, since: origin ?? row.time)
                    if t < previous {
                        throw InputError(file: reader.name, line: number, field: names.time,
                                         "earlier than the row on line \(previousLine) (\(t) s against \(previous) s after the first row); the source must be sorted by time")
                    }
                    if origin == nil { origin = row.time }
                    previous = t
                    previousLine = number
                    try writer.append(arrivalTime: TraceWriter.roundedArrival(t), promptTokens: row.promptTokens,
                                      outputTokens: row.outputTokens, prefixHashes: row.prefixHashes)
                } catch let error as InputError {
                    guard skipInvalid else { throw error }
                    report.skipped.record(error)
                }
            }
            guard writer.count > 0 else {
                let skipped = report.skipped.count > 0 ? "; \(report.skipped.count) invalid skipped" : ""
                let dropped = report.dropped.map { "; \($0.count) \($0.reason) dropped" }.joined()
                throw InputError(file: reader.name, "no requests in \(reader.name) (no data rows\(skipped)\(dropped))")
            }
            try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
        report.written = writer.count
        return report
    }

    /// Seconds from `origin` to `time` (both of one source, hence of one kind).
    private static func seconds(_ time: SourceRow.Time, since origin: SourceRow.Time) -> Double {
        switch (time, origin) {
        case (.nanoseconds(let t), .nanoseconds(let o)):
            // Times more than 292 years apart do not fit a 64-bit difference.
            let (difference, overflow) = t.subtractingReportingOverflow(o)
            return overflow ? (Double(t) - Double(o)) / 1e9 : Double(difference) / 1e9
        case (.milliseconds(let t), .milliseconds(let o)): return (t - o) / 1e3
        case (.seconds(let t), .seconds(let o)): return t - o
        default: preconditionFailure("one source, one kind of time")
        }
    }
}
