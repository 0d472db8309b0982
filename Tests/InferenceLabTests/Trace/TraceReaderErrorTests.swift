import Foundation
import Testing
@testable import InferenceLab
import InferenceLabCore

@Suite("trace reader errors")
struct TraceReaderErrorTests {
    static let good = #"{"arrival_time":0.5,"prompt_tokens":10,"output_tokens":2}"#

    /// Each bad second line, its field and its message.
    static let cases: [(line: String, field: String?, message: String)] = [
        (#"{"prompt_tokens":10,"output_tokens":2}"#, "arrival_time", "missing (required on every line)"),
        (#"{"arrival_time":1,"output_tokens":2}"#, "prompt_tokens", "missing (required on every line)"),
        (#"{"arrival_time":1,"prompt_tokens":10}"#, "output_tokens", "missing (required on every line)"),
        (#"{"arrival_time":"1","prompt_tokens":10,"output_tokens":2}"#, "arrival_time", #"expected a number, got "1""#),
        (#"{"arrival_time":null,"prompt_tokens":10,"output_tokens":2}"#, "arrival_time", "expected a number, got null"),
        (#"{"arrival_time":NaN,"prompt_tokens":10,"output_tokens":2}"#, "arrival_time", "expected a number, got 'NaN'"),
        (#"{"arrival_time":1e400,"prompt_tokens":10,"output_tokens":2}"#, "arrival_time", "must be a finite number of seconds, got inf"),
        (#"{"arrival_time":-1,"prompt_tokens":10,"output_tokens":2}"#, "arrival_time", "must be ≥ 0, got -1.0"),
        (#"{"arrival_time":0.25,"prompt_tokens":10,"output_tokens":2}"#, "arrival_time",
         "0.25 is earlier than 0.5 on line 1 (a trace must be sorted by arrival time)"),
        (#"{"arrival_time":1,"prompt_tokens":12.5,"output_tokens":2}"#, "prompt_tokens", "expected an integer, got 12.5"),
        (#"{"arrival_time":1,"prompt_tokens":"12a","output_tokens":2}"#, "prompt_tokens", #"expected an integer, got "12a""#),
        (#"{"arrival_time":1,"prompt_tokens":0,"output_tokens":2}"#, "prompt_tokens", "must be a positive number of tokens, got 0"),
        (#"{"arrival_time":1,"prompt_tokens":10,"output_tokens":-2}"#, "output_tokens", "must be a positive number of tokens, got -2"),
        (#"{"arrival_time":1,"prompt_tokens":2147483648,"output_tokens":2}"#, "prompt_tokens", "out of range: 2147483648 (at most 2147483647)"),
        (#"{"arrival_time":1,"prompt_tokens":10,"output_tokens":99999999999999999999}"#, "output_tokens",
         "out of range: 99999999999999999999 (at most 2147483647)"),
        (#"{"arrival_time":1,"prompt_tokens":10,"output_tokens":2,"priority":2147483648}"#, "priority",
         "out of range: 2147483648 (Int32: -2147483648…2147483647)"),
        (#"{"arrival_time":1,"prompt_tokens":10,"output_tokens":2,"priority":"high"}"#, "priority", #"expected an integer, got "high""#),
        (#"{"arrival_time":1,"prompt_tokens":10,"output_tokens":2,"request_id":7}"#, "request_id", "expected a string, got 7"),
        (#"{"arrival_time":1,"prompt_tokens":10,"output_tokens":2,"request_id":""}"#, "request_id", "must not be empty"),
        (#"{"arrival_time":1,"prompt_tokens":10,"output_tokens":2,"request_id":"0"}"#, "request_id",
         #"duplicate id "0" (ids must be unique; a line without request_id has its 0-based line index as id)"#),
        (#"{"arrival_time":1,"prompt_tokens":10,"output_tokens":2,"prefix_hashes":[1,-2]}"#, "prefix_hashes",
         "entry 1: expected a non-negative integer, found -2"),
        (#"{"arrival_time":1,"prompt_tokens":10,"output_tokens":2,"prefix_hashes":[1,"x"]}"#, "prefix_hashes",
         #"entry 1: expected a non-negative integer, got "x""#),
        (#"{"arrival_time":1,"prompt_tokens":10,"output_tokens":2,"prefix_hashes":[18446744073709551616]}"#, "prefix_hashes",
         "entry 0: integer out of range: 18446744073709551616"),
        (#"{"arrival_time":1,"prompt_tokens":10,"output_tokens":2,"prefix_hashes":7}"#, "prefix_hashes",
         "expected a list of non-negative integers, got 7"),
        (#"{"arrival_time":1,"prompt_tokens":10,"prompt_tokens":10,"output_tokens":2}"#, "prompt_tokens", "appears twice in the line"),
        (#"{"arrival_time":1,"prompt_tokens":10,"output_tokens":2"#, nil, "expected ',' or '}', found the end of the line"),
        (#"{"arrival_time":1,"prompt_tokens":10,"output_tokens":2} x"#, nil, "expected the end of the line, found 'x' at column 57"),
        (#"[1, 2]"#, nil, "expected a JSON object ('{'), found [1, 2]"),
        (#"{"arrival_time":1,"prompt_tokens":10,"output_tokens":2,"extra":[1,}"#, nil, "expected a number, found '}' at column 67"),
        (#"{"arrival_time":1,"prompt_tokens":10,"output_tokens":2,"request_id":"ab"#, "request_id", "unterminated string"),
    ]

    @Test("every bad line names file, line and field", arguments: 0..<cases.count)
    func badLine(index: Int) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let c = Self.cases[index]
        let path = dir.file("t.jsonl")
        let error = traceError([Self.good, c.line, Self.good], in: dir)
        #expect(error?.file == path)
        #expect(error?.line == 2)
        #expect(error?.field == c.field, "\(c.line)")
        #expect(error?.message == c.message, "\(c.line)")
    }

    @Test("a line's default id taken by a later explicit id, and the reverse")
    func defaultIDClash() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let explicitFirst = traceError([#"{"arrival_time":0,"prompt_tokens":1,"output_tokens":1,"request_id":"1"}"#, Self.good], in: dir)
        #expect(explicitFirst?.line == 2)
        #expect(explicitFirst?.field == "request_id")
        #expect(explicitFirst?.message.contains(#"the default id "1" (the 0-based line index) is already used"#) == true)
    }

    @Test("a truncated gzip file is an error even with --skip-invalid")
    func truncatedGzip() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let full = dir.file("full.jsonl.gz")
        try writeTrace((0..<5000).map { #"{"arrival_time":\#($0),"prompt_tokens":\#($0 % 97 + 1),"output_tokens":3}"# }, to: full)
        let bytes = try readBytes(full)
        let cut = dir.file("cut.jsonl.gz")
        try writeBytes(Array(bytes.prefix(bytes.count / 2)), to: cut)
        for skip in [false, true] {
            let error = inputError { _ = try readTrace(cut, skipInvalid: skip) }
            #expect(error?.file == cut)
            #expect(error?.message.contains("truncated gzip stream") == true)
        }
    }

    @Test("a missing file")
    func missingFile() {
        #expect(inputError { _ = try TraceReader(path: "/nonexistent/t.jsonl") }?.description == "/nonexistent/t.jsonl: no such file")
    }
}
