import Foundation
import Testing

/// The `inference-lab` executable built beside the tests (`swift build` puts it there).
private let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()
private let executable: String? = {
    for configuration in ["debug", "release"] {
        let path = "\(packageRoot)/.build/\(configuration)/inference-lab"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}()

/// Runs the executable with `arguments` (and `stdin` as standard input); returns the exit
/// status, stdout and stderr.
private func run(_ arguments: [String], stdin: Data? = nil) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(executable))
    process.arguments = arguments
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

private func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.path + "/inference-lab-e2e-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite("inference-lab trace commands", .enabled(if: executable != nil, "build the inference-lab executable first (swift build)"))
struct TraceCommandTests {
    @Test("a bad trace line aborts the event log and exits with status 2")
    func badTraceAbortsLog() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let trace = "\(dir)/t.jsonl"
        try Data("""
            {"arrival_time":0,"prompt_tokens":10,"output_tokens":5}
            {"arrival_time":0.5,"prompt_tokens":10,"output_tokens":"5"}
            {"arrival_time":1,"prompt_tokens":10,"output_tokens":5}

            """.utf8).write(to: URL(fileURLWithPath: trace))
        let events = "\(dir)/run.events.jsonl.gz"
        let r = try run(["--trace", trace, "--events", events, "-q"])
        #expect(r.status == 2)
        #expect(r.err.contains("error: \(trace):2: output_tokens: expected an integer, got \"5\""))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["t.jsonl"])

        let skipped = try run(["--trace", trace, "--events", events, "--skip-invalid", "--json"])
        #expect(skipped.status == 0)
        #expect(skipped.err.contains("warning: skipped 1 invalid line of \(trace):"))
        #expect(skipped.out.contains("\"completed\": 2"))
        #expect(FileManager.default.fileExists(atPath: events))
    }

    @Test("generate then replay from stdin gives the same summary; closed loop is refused")
    func generateReplay() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = "\(dir)/c.toml"
        try Data("""
            [workload]
            arrival_pattern = "poisson"
            arrival_rate = 20.0
            num_requests = 40
            seed = 3
            [workload.input_len_dist]
            type = "uniform"
            min = 10
            max = 400
            [workload.output_len_dist]
            type = "fixed"
            value = 12

            """.utf8).write(to: URL(fileURLWithPath: config))
        let generated = try run(["generate", "--config", config, "-"])
        #expect(generated.status == 0)
        #expect(generated.out.split(separator: "\n").count == 40)
        let direct = try run(["--config", config, "--json", "-q"])
        let replay = try run(["--config", config, "--trace", "-", "--json", "-q"], stdin: Data(generated.out.utf8))
        #expect(direct.status == 0 && replay.status == 0)
        #expect(direct.out == replay.out)
        let half = try run(["--config", config, "--trace", "-", "--time-scale", "0.5", "--max-requests", "10", "--json", "-q"],
                           stdin: Data(generated.out.utf8))
        #expect(half.out.contains("\"completed\": 10"))

        try Data("""
            [workload]
            arrival_pattern = "closed_loop"
            num_concurrent_users = 4
            num_requests = 40
            [workload.input_len_dist]
            type = "fixed"
            value = 10
            [workload.output_len_dist]
            type = "fixed"
            value = 10

            """.utf8).write(to: URL(fileURLWithPath: config))
        let refused = try run(["generate", "--config", config, "\(dir)/x.jsonl"])
        #expect(refused.status == 2)
        #expect(refused.err.contains("closed-loop workload cannot be frozen as a trace"))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/x.jsonl"))
    }

    @Test("sessions: generate then replay with the same config gives the same summary and event log; check-trace counts sessions")
    func generateReplaySessions() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = "\(dir)/s.toml"
        try Data("""
            [scheduler]
            max_num_seqs = 16
            [workload]
            arrival_pattern = "sessions"
            arrival_rate = 2.0
            cv = 2.0
            num_requests = 60
            seed = 4
            input_len_dist = { type = "lognormal", mean = 6.0, std_dev = 0.5 }
            output_len_dist = { type = "uniform", min = 5, max = 80 }
            turns_per_session_dist = { type = "uniform", min = 1, max = 6 }
            turn_input_len_dist = { type = "uniform", min = 5, max = 100 }
            think_time_ms_dist = { type = "lognormal", mean = 6.0, std_dev = 1.0 }

            """.utf8).write(to: URL(fileURLWithPath: config))
        let trace = "\(dir)/s.jsonl.gz"
        let generated = try run(["generate", "--config", config, trace])
        #expect(generated.status == 0)
        #expect(generated.err.contains("wrote 60 requests"))
        let direct = try run(["--config", config, "--json", "-q", "--events", "\(dir)/a.jsonl"])
        let replay = try run(["--config", config, "--trace", trace, "--json", "-q", "--events", "\(dir)/b.jsonl"])
        #expect(direct.status == 0 && replay.status == 0)
        #expect(direct.out == replay.out)
        #expect(direct.out.contains("\"completed\": 60"))
        // The event logs differ only in the header's config (the workload table).
        let a = try String(contentsOfFile: "\(dir)/a.jsonl", encoding: .utf8).split(separator: "\n")
        let b = try String(contentsOfFile: "\(dir)/b.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(a.count == b.count && a.count > 100)
        #expect(Array(a.dropFirst()) == Array(b.dropFirst()))
        #expect(a[0].contains("\"turns_per_session_dist\"") && !b[0].contains("\"turns_per_session_dist\""))

        let checked = try run(["check-trace", trace])
        #expect(checked.status == 0)
        #expect(checked.out.contains("60 requests with prefix_hashes"))
        #expect(checked.out.range(of: #"60 requests in \d+ sessions"#, options: .regularExpression) != nil)
    }

    @Test("convert reports dropped rows and refuses an unknown format")
    func convert() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = "\(dir)/b.csv"
        try Data("""
            Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type
            5,ChatGPT,472,18,490,Conversation log
            45,ChatGPT,1087,0,1087,Conversation log

            """.utf8).write(to: URL(fileURLWithPath: input))
        let r = try run(["convert", "--from", "burstgpt", input, "-"])
        #expect(r.status == 0)
        #expect(r.out == "{\"arrival_time\":0.0,\"prompt_tokens\":472,\"output_tokens\":18}\n")
        #expect(r.err.contains("dropped 1 failed requests (Response tokens = 0)"))
        let bad = try run(["convert", "--from", "sharegpt", input, "-"])
        #expect(bad.status != 0)
    }
}
