import Foundation
import Testing
@testable import InferenceLab
import InferenceLabCore

@Suite("trace converters")
struct TraceConverterTests {
    /// Converts `lines` written as `inputName` and returns the native requests and the report.
    static func convert(_ format: TraceFormat, _ lines: [String], inputName: String = "in.csv",
                        skipInvalid: Bool = false, in dir: TemporaryDirectory) throws -> ([RequestSpec], ConversionReport) {
        let input = dir.file(inputName)
        try writeTrace(lines, to: input)
        let output = dir.file("out.jsonl.gz")
        let report = try TraceConverter.convert(from: format, input: input, output: output, skipInvalid: skipInvalid)
        return (try readTrace(output).requests, report)
    }

    static func convertError(_ format: TraceFormat, _ lines: [String], in dir: TemporaryDirectory) -> InputError? {
        inputError { _ = try convert(format, lines, in: dir) }
    }

    @Test("azure: timestamps to seconds since the first row, 1e-7 s rounding")
    func azure() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (requests, report) = try Self.convert(.azure, [
            "TIMESTAMP,ContextTokens,GeneratedTokens",
            "2023-11-16 18:15:46.6805900,374,44",
            "2023-11-16 18:15:50.9951690,396,109",
            "2023-11-16 23:59:59.99999999,5,6",          // more digits than .NET's 7
            "2023-11-17T00:00:01Z,7,8",                 // next day, ISO form, no fraction
            "2023-11-17 02:00:02+02:00,9,10",           // an offset: 00:00:02 UTC
        ], inputName: "azure.csv.gz", in: dir)
        #expect(report.written == 5)
        #expect(requests.map(\.arrivalTime) == [0, 4.314579, 20653.3194100, 20654.31941, 20655.31941])
        #expect(requests.map(\.promptTokens) == [374, 396, 5, 7, 9])
        #expect(requests.map(\.outputTokens) == [44, 109, 6, 8, 10])
        #expect(requests.map(\.id) == ["0", "1", "2", "3", "4"])
        let raw = try readLines(dir.file("out.jsonl.gz"))
        #expect(raw[1] == #"{"arrival_time":4.314579,"prompt_tokens":396,"output_tokens":109}"#)
    }

    @Test("azure: bad rows name file, line and column")
    func azureErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let header = "TIMESTAMP,ContextTokens,GeneratedTokens"
        let first = "2023-11-16 18:15:46.6805900,374,44"
        let path = dir.file("in.csv")
        let cases: [([String], Int, String?, String)] = [
            (["TIMESTAMP,Context,GeneratedTokens", first], 1, "ContextTokens",
             "no such column in the header (columns: TIMESTAMP, Context, GeneratedTokens)"),
            ([header, first, "2023-11-16 18:15:4x.0,1,2"], 3, "TIMESTAMP",
             #"expected a timestamp like 2023-11-16 18:15:46.6805900 (years 1678 to 2261), got "2023-11-16 18:15:4x.0""#),
            ([header, first, "2023-02-30 18:15:47,1,2"], 3, "TIMESTAMP",
             #"expected a timestamp like 2023-11-16 18:15:46.6805900 (years 1678 to 2261), got "2023-02-30 18:15:47""#),
            // Outside 64-bit nanoseconds since 1970 (the multiplication trapped).
            ([header, first, "0001-01-01 00:00:00,1,2"], 3, "TIMESTAMP",
             #"expected a timestamp like 2023-11-16 18:15:46.6805900 (years 1678 to 2261), got "0001-01-01 00:00:00""#),
            ([header, first, "2023-11-16 18:15:47,abc,2"], 3, "ContextTokens", #"expected an integer number of tokens, got "abc""#),
            ([header, first, "2023-11-16 18:15:47,12.5,2"], 3, "ContextTokens", #"expected an integer number of tokens, got "12.5""#),
            ([header, first, "2023-11-16 18:15:47,-3,2"], 3, "ContextTokens", #"must be ≥ 0, got "-3""#),
            ([header, first, "2023-11-16 18:15:47,3,0"], 3, "GeneratedTokens", "must be a positive number of tokens, got 0"),
            ([header, first, "2023-11-16 18:15:47,3,99999999999"], 3, "GeneratedTokens", #"out of range: "99999999999" (at most 2147483647)"#),
            ([header, first, "2023-11-16 18:15:47,3"], 3, nil, "expected 3 columns as in the header, found 2"),
            ([header, first, "2023-11-16 18:15:40,3,4"], 3, "TIMESTAMP",
             "earlier than the row on line 2 (-6.68059 s against 0.0 s after the first row); the source must be sorted by time"),
        ]
        for (lines, line, field, message) in cases {
            let error = Self.convertError(.azure, lines, in: dir)
            #expect(error?.file == path)
            #expect(error?.line == line, "\(lines)")
            #expect(error?.field == field, "\(lines)")
            #expect(error?.message == message, "\(lines)")
            #expect(!FileManager.default.fileExists(atPath: dir.file("out.jsonl.gz")))
        }
        // With skipInvalid the bad rows are counted and the rest converted.
        let (requests, report) = try Self.convert(.azure, [header, first, "x,1,2", "2023-11-16 18:15:47,3,0",
                                                           "2023-11-16 18:15:47.5,3,4"], skipInvalid: true, in: dir)
        #expect(report.skipped.count == 2)
        #expect(report.skipped.firstReasons.map(\.line) == [3, 4])
        #expect(requests.map(\.arrivalTime) == [0, 0.81941])
    }

    @Test("mooncake: milliseconds, hash_ids become prefix_hashes")
    func mooncake() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (requests, report) = try Self.convert(.mooncake, [
            #"{"timestamp": 27, "input_length": 6758, "output_length": 500, "hash_ids": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]}"#,
            #"{"timestamp": 67, "input_length": 600, "output_length": 1, "hash_ids": [0, 14], "session": "x"}"#,
            #"{"hash_ids": [], "output_length": 3, "input_length": 1, "timestamp": 3067.5}"#,
        ], inputName: "m.jsonl", in: dir)
        #expect(report.written == 3)
        #expect(requests.map(\.arrivalTime) == [0, 0.04, 3.0405])
        #expect(requests[0].prefixHashes == Array(0...13))
        #expect(requests[1].prefixHashes == [0, 14])
        #expect(requests[2].prefixHashes.isEmpty)
        #expect(requests.map(\.outputTokens) == [500, 1, 3])

        let error = Self.convertError(.mooncake, [
            #"{"timestamp": 0, "input_length": 10, "output_length": 2, "hash_ids": [0]}"#,
            #"{"timestamp": 5, "input_length": 10, "output_length": 2, "hash_ids": [0, -1]}"#,
        ], in: dir)
        #expect(error?.line == 2)
        #expect(error?.field == "hash_ids")
        let missing = Self.convertError(.mooncake, [#"{"timestamp": 0, "output_length": 2}"#], in: dir)
        #expect(missing?.field == "input_length")
        #expect(missing?.message == "missing")
    }

    @Test("burstgpt: failed requests (0 response tokens) are dropped and counted")
    func burstGPT() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (requests, report) = try Self.convert(.burstgpt, [
            "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type",
            "5,ChatGPT,472,18,490,Conversation log",
            "45,ChatGPT,1087,0,1087,Conversation log",
            "118,GPT-4,417,276,693,\"API, log\"",
            "118.5,ChatGPT,0,12,12,API log",
            "200,ChatGPT,20,30,50,API log",
        ], in: dir)
        #expect(requests.map(\.arrivalTime) == [0, 113, 195])
        #expect(requests.map(\.promptTokens) == [472, 417, 20])
        #expect(requests.map(\.outputTokens) == [18, 276, 30])
        #expect(report.written == 3)
        #expect(report.dropped.map(\.reason) == ["failed requests (Response tokens = 0)", "empty prompts (Request tokens = 0)"])
        #expect(report.dropped.map(\.count) == [1, 1])
        let error = Self.convertError(.burstgpt, ["Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type",
                                                  "x,ChatGPT,472,18,490,Conversation log"], in: dir)
        #expect(error?.description == #"\#(dir.file("in.csv")):2: Timestamp: expected a number, got "x""#)
    }

    @Test("vidur: arrived_at seconds, extra columns ignored")
    func vidur() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (requests, _) = try Self.convert(.vidur, [
            ",arrived_at,num_prefill_tokens,num_decode_tokens,pd_ratio",
            "0,0.0,374,44,8.5",
            "1,4.314579,396,109,3.6",
            "2,4.54187700000001,879.0,55,16",
        ], in: dir)
        #expect(requests.map(\.arrivalTime) == [0, 4.314579, 4.541877])
        #expect(requests.map(\.promptTokens) == [374, 396, 879])
        let error = Self.convertError(.vidur, ["arrived_at,num_prefill_tokens", "0,1"], in: dir)
        #expect(error?.line == 1)
        #expect(error?.field == "num_decode_tokens")
    }

    @Test("timestamps: days since the epoch")
    func timestamps() {
        func ns(_ text: String) -> Int64? { Array(text.utf8).withUnsafeBufferPointer { Timestamp.nanoseconds($0) } }
        #expect(ns("1970-01-01 00:00:00") == 0)
        #expect(ns("2000-03-01T00:00:00Z") == Int64(951_868_800) * 1_000_000_000)
        #expect(ns("2024-02-29 12:00:00.5") == Int64(1_709_208_000) * 1_000_000_000 + 500_000_000)
        #expect(ns("2023-02-29 12:00:00") == nil)
        #expect(ns("2023-11-16 18:15:46.") == nil)
        #expect(ns("2023-11-16 18:15:46.1234567890") == nil)
        #expect(ns("2023-11-16") == nil)
        // Beyond what 64-bit nanoseconds hold: not a timestamp, rather than a trap.
        #expect(ns("0001-01-01 00:00:00") == nil)
        #expect(ns("9999-12-31 23:59:59.999999999") == nil)
        #expect(ns("1677-09-21 00:12:44") != nil)
        #expect(ns("2262-04-11 23:47:16") != nil)
    }

    @Test("azure: rows more than 292 years apart (their difference overflows 64-bit nanoseconds)")
    func azureCenturiesApart() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (requests, _) = try Self.convert(.azure, ["TIMESTAMP,ContextTokens,GeneratedTokens",
                                                 "1700-01-01 00:00:00,1,2", "2200-01-01 00:00:00,3,4"], in: dir)
        #expect(requests.map(\.arrivalTime) == [0, 15_778_454_400])
    }
}
