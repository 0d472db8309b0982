import Foundation
import Testing
@testable import InferenceLab
import InferenceLabCore
#if canImport(Glibc)
import Glibc
#endif

@Suite("trace reader")
struct TraceReaderTests {
    @Test("required and optional fields, any order, unknown fields ignored", arguments: ["t.jsonl", "t.jsonl.gz"])
    func fields(name: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file(name)
        try writeTrace([
            #"{"arrival_time": 0.0, "prompt_tokens": 1020, "output_tokens": 129}"#,
            #"{"output_tokens":7,"prompt_tokens":3,"arrival_time":1.5e-1,"request_id":"a\"b\u00e9","priority":-3}"#,
            #"  {"arrival_time": 2, "prompt_tokens": 700, "output_tokens": 1, "prefix_hashes": [0, 18446744073709551615, 7],"#
                + #" "extra": {"nested": [1, "x", null, true]}, "note": "ignored"}  "#,
            "",
            #"{"arrival_time": 2, "prompt_tokens": 5, "output_tokens": 5, "priority": null, "request_id": null, "prefix_hashes": null}"#,
        ], to: path)
        let (requests, skipped) = try readTrace(path)
        #expect(skipped.count == 0)
        #expect(requests == [
            RequestSpec(id: "0", arrivalTime: 0, promptTokens: 1020, outputTokens: 129),
            RequestSpec(id: "a\"bé", arrivalTime: 0.15, promptTokens: 3, outputTokens: 7, priority: -3),
            RequestSpec(id: "2", arrivalTime: 2, promptTokens: 700, outputTokens: 1, prefixHashes: [0, .max, 7]),
            // Line 5 (the blank line 4 is skipped): its default id is its 0-based line index.
            RequestSpec(id: "4", arrivalTime: 2, promptTokens: 5, outputTokens: 5),
        ])
    }

    @Test("numbers parse exactly like Double(String)")
    func numbersExact() throws {
        var x: UInt64 = 0x1234_5678_9ABC_DEF1
        var texts = ["0", "0.0", "-0.0", "1e22", "1e23", "9007199254740993", "123456789012345678901234",
                     "0.1", "4.314579", "3501.7220000", "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308",
                     "1E-7", "12.5e+3", "0.000000000000000000000000001"]
        for _ in 0..<2000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            let v = Double(bitPattern: x >> 2) // positive, wide range
            texts.append(v.description)
            texts.append(String(Double(x >> 40) / 1e7))
            texts.append(String(x % 10_000_000) + "." + String(x >> 50))
        }
        for text in texts {
            let expected = Double(text)
            let parsed = Array(text.utf8).withUnsafeBufferPointer { b -> Double? in
                var s = JSONScanner(b)
                return try? s.readNumber()
            }
            #expect(parsed?.bitPattern == expected?.bitPattern, "\(text)")
        }
    }

    @Test("standard input is read for '-'")
    func standardInput() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("stdin.jsonl.gz")
        try writeTrace([#"{"arrival_time":0.5,"prompt_tokens":10,"output_tokens":2}"#,
                        #"{"arrival_time":0.75,"prompt_tokens":11,"output_tokens":3}"#], to: path)
        let saved = dup(0)
        let fd = open(path, O_RDONLY)
        #expect(fd >= 0 && saved >= 0)
        dup2(fd, 0)
        close(fd)
        defer { dup2(saved, 0); close(saved) }
        var reader = try TraceReader(path: "-")
        #expect(reader.name == "<stdin>")
        #expect(try reader.next()?.promptTokens == 10)
        #expect(try reader.next()?.arrivalTime == 0.75)
        #expect(try reader.next() == nil)
    }

    @Test("--skip-invalid skips and counts bad lines, keeping the first reasons")
    func skipInvalid() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.jsonl")
        var lines: [String] = []
        for i in 0..<20 {
            if i % 3 == 1 {
                lines.append(#"{"arrival_time":\#(i),"prompt_tokens":0,"output_tokens":2}"#)
            } else {
                lines.append(#"{"arrival_time":\#(i),"prompt_tokens":5,"output_tokens":2}"#)
            }
        }
        lines.insert("not json", at: 5)
        lines.insert(#"{"arrival_time":0.5,"prompt_tokens":5,"output_tokens":2}"#, at: 10)  // earlier than line 10's
        try writeTrace(lines, to: path)
        #expect(inputError { _ = try readTrace(path) }?.description == "\(path):2: prompt_tokens: must be a positive number of tokens, got 0")
        let (requests, skipped) = try readTrace(path, skipInvalid: true)
        #expect(skipped.count == 7 + 1 + 1)
        #expect(requests.count == 20 - 7)
        #expect(skipped.firstReasons.count == SkippedLines.keptReasons)
        #expect(skipped.firstReasons.map(\.line) == [2, 5, 6, 9, 11])
        #expect(skipped.firstReasons[2].description == "\(path):6: expected a JSON object ('{'), found 'not json'")
        #expect(skipped.firstReasons[4].field == "arrival_time")
        let report = try #require(skipped.report(file: path))
        #expect(report.hasPrefix("warning: skipped 9 invalid lines of \(path); the first 5:\n  \(path):2: prompt_tokens:"))
        // Ids stay the line indices of the lines that were kept.
        #expect(requests.prefix(3).map(\.id) == ["0", "2", "3"])
    }

    @Test("a line over the length limit is an error, or skipped with --skip-invalid")
    func longLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("long.jsonl.gz")
        let hashes = (0..<200_000).map(String.init).joined(separator: ",")  // ~1.3 MB
        try writeTrace([#"{"arrival_time":0,"prompt_tokens":5,"output_tokens":2}"#,
                        #"{"arrival_time":1,"prompt_tokens":5,"output_tokens":2,"prefix_hashes":[\#(hashes)]}"#,
                        #"{"arrival_time":2,"prompt_tokens":6,"output_tokens":2}"#], to: path)
        let error = inputError { _ = try readTrace(path) }
        #expect(error?.description == "\(path):2: line longer than 1048576 bytes")
        let (requests, skipped) = try readTrace(path, skipInvalid: true)
        #expect(requests.map(\.id) == ["0", "2"])
        #expect(skipped.count == 1)
    }

    @Test("duplicate ids among explicit and default ids")
    func duplicateIDs() {
        var r = RequestIDRegistry()
        var results: [Bool] = []
        results.append(r.insertImplicit(0))
        results.append(r.insertImplicit(1))
        results.append(r.insertExplicit("a"))
        results.append(r.insertExplicit("a"))
        results.append(r.insertExplicit("1"))   // line 2's default id
        results.append(r.insertExplicit("01"))  // not the canonical form of 1
        results.append(r.insertExplicit("7"))
        results.append(r.insertImplicit(5))
        results.append(r.insertImplicit(7))     // "7" was given explicitly
        results.append(r.insertImplicit(8))
        results.append(r.insertExplicit("5"))
        results.append(r.insertExplicit("8"))
        results.append(r.insertExplicit("6"))
        #expect(results == [true, true, true, false, false, true, true, true, false, true, false, false, true])
    }
}

@Suite("trace line fast path")
struct TraceLineFastPathTests {
    static func general(_ text: String) -> (TraceLine?, String?) {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { b in
            var line = TraceLine()
            do {
                try TraceLineParser.parseGeneral(UnsafeBufferPointer(b), into: &line)
                return (line, nil)
            } catch let error as TraceLineError { return (nil, "\(error.field ?? "-"): \(error.message)") } catch { return (nil, "\(error)") }
        }
    }

    static func fast(_ text: String) -> TraceLine? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { b in
            // Start from a dirty line: the fast path must reset the optional fields.
            var line = TraceLine(arrivalTime: 9, promptTokens: 9, outputTokens: 9, requestID: "old", priority: 7, prefixHashes: [1, 2],
                                 sessionKey: 99, turn: 5)
            return TraceLineParser.parseWriterLayout(UnsafeBufferPointer(b), into: &line) ? line : nil
        }
    }

    @Test("the writer's layout is read as the general parser reads it; anything else falls back")
    func sameAsGeneral() {
        let lines = [
            #"{"arrival_time":0.24785711090585885,"prompt_tokens":486,"output_tokens":423}"#,
            #"{"arrival_time":0,"prompt_tokens":1,"output_tokens":2147483647}"#,
            #"{"arrival_time":-0.0,"prompt_tokens":1,"output_tokens":1}"#,
            #"{"arrival_time":1e3,"prompt_tokens":10,"output_tokens":2,"request_id":"a-1","priority":-3,"prefix_hashes":[1,18446744073709551615,0]}"#,
            #"{"arrival_time":1.5,"prompt_tokens":10,"output_tokens":2,"prefix_hashes":[]}"#,
            #"{"arrival_time":1.5,"prompt_tokens":10,"output_tokens":2,"priority":0}"#,
            #"{"arrival_time":1.5,"prompt_tokens":10,"output_tokens":2,"request_id":"x\"y"}"#,
            // Sessions: integer and string ids, with and without a turn.
            #"{"arrival_time":2,"prompt_tokens":70,"output_tokens":20,"session_id":0,"turn":1,"prefix_hashes":[0,1,2,3,4]}"#,
            #"{"arrival_time":2,"prompt_tokens":70,"output_tokens":20,"priority":1,"session_id":9223372036854775807}"#,
            #"{"arrival_time":2,"prompt_tokens":70,"output_tokens":20,"request_id":"r","session_id":"chat-7","turn":0}"#,
            #"{"arrival_time":2,"prompt_tokens":70,"output_tokens":20,"session_id":"x\u0041"}"#,
            #"{"arrival_time":2,"prompt_tokens":70,"output_tokens":20,"session_id":null,"turn":null}"#,
            // Refused by both, or only read by the general parser.
            #"{"arrival_time":-1,"prompt_tokens":10,"output_tokens":2}"#,
            #"{"arrival_time":1e400,"prompt_tokens":10,"output_tokens":2}"#,
            #"{"arrival_time":1,"prompt_tokens":0,"output_tokens":2}"#,
            #"{"arrival_time":1,"prompt_tokens":2147483648,"output_tokens":2}"#,
            #"{"arrival_time":1,"prompt_tokens":1.0,"output_tokens":2}"#,
            #"{"arrival_time":1,"prompt_tokens":01,"output_tokens":2}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"priority":2147483648}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"request_id":""}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"priority":1,"priority":2}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"prefix_hashes":[1,-2]}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"prefix_hashes":[1,]}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2} "#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2}x"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2"#,
            #"{"arrival_time": 1,"prompt_tokens":1,"output_tokens":2}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"extra":true}"#,
            #"{"prompt_tokens":1,"arrival_time":1,"output_tokens":2}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"session_id":-1}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"session_id":9223372036854775808}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"session_id":""}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"session_id":1.5}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"session_id":true}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"turn":1}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"session_id":1,"turn":-1}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"session_id":1,"turn":2147483648}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"session_id":1,"turn":"1"}"#,
            #"{"arrival_time":1,"prompt_tokens":1,"output_tokens":2,"turn":1,"session_id":1}"#,
        ]
        for text in lines {
            let (expected, error) = Self.general(text)
            if let got = Self.fast(text) {
                #expect(error == nil, "\(text): fast path read a line the general parser refuses")
                #expect(got.arrivalTime.bitPattern == expected?.arrivalTime.bitPattern, "\(text)")
                #expect(got.promptTokens == expected?.promptTokens && got.outputTokens == expected?.outputTokens, "\(text)")
                #expect(got.requestID == expected?.requestID && got.priority == expected?.priority, "\(text)")
                #expect(got.prefixHashes == expected?.prefixHashes, "\(text)")
                #expect(got.sessionKey == expected?.sessionKey && got.turn == expected?.turn, "\(text)")
            } else {
                #expect(error != nil || text.contains("extra") || text.contains(#"x\""#) || text.contains(" ")
                        || text.hasPrefix(#"{"prompt"#) || text.contains("null") || text.contains(#"\u"#)
                        || text.contains(#""turn":1,"session_id""#), "\(text): fast path refused a writer-layout line")
            }
        }
    }

    @Test("randomly mutated writer lines: the fast path gives the general parser's line or defers")
    func mutatedLines() throws {
        var rng = Xoshiro256(seed: 11)
        let lines = [
            #"{"arrival_time":0.24785711090585885,"prompt_tokens":486,"output_tokens":423}"#,
            #"{"arrival_time":1e3,"prompt_tokens":10,"output_tokens":2,"request_id":"a-1","priority":-3,"prefix_hashes":[1,18446744073709551615,0]}"#,
            #"{"arrival_time":12.5,"prompt_tokens":2147483647,"output_tokens":7,"priority":2147483647,"prefix_hashes":[]}"#,
            #"{"arrival_time":3.25,"prompt_tokens":170,"output_tokens":20,"session_id":12,"turn":3,"prefix_hashes":[51539607552,51539607553]}"#,
            #"{"arrival_time":3.25,"prompt_tokens":170,"output_tokens":20,"request_id":"q","session_id":"s-1","turn":0}"#,
        ].map { Array($0.utf8) }
        let alphabet = Array(#"0123456789-+.eE,:[]{}" x\nul"#.utf8)
        var fastReads = 0
        for _ in 0..<3000 {
            var line = lines[Int.random(in: 0..<lines.count, using: &rng)]
            for _ in 0...Int.random(in: 0..<3, using: &rng) {
                let k = Int.random(in: 0..<line.count, using: &rng)
                let c = alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: line[k] = c
                case 1: line.remove(at: k)
                default: line.insert(c, at: k)
                }
                if line.isEmpty { line = [UInt8(ascii: "{")] }
            }
            let text = String(decoding: line, as: UTF8.self)
            let (expected, error) = Self.general(text)
            guard let got = Self.fast(text) else { continue }
            fastReads += 1
            #expect(error == nil, "\(text): fast path read a line the general parser refuses")
            #expect(got.arrivalTime.bitPattern == expected?.arrivalTime.bitPattern, "\(text)")
            #expect(got.promptTokens == expected?.promptTokens && got.outputTokens == expected?.outputTokens, "\(text)")
            #expect(got.requestID == expected?.requestID && got.priority == expected?.priority, "\(text)")
            #expect(got.prefixHashes == expected?.prefixHashes, "\(text)")
            #expect(got.sessionKey == expected?.sessionKey && got.turn == expected?.turn, "\(text)")
        }
        #expect(fastReads > 100)
    }
}
