import Foundation

/// Runs the package's built executables (`.build/debug/…`, next to the test bundle) and
/// captures their output.
enum Tool {
    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The directory holding the built executables.
    static let binDirectory: URL = {
        if let exe = Bundle.main.executableURL?.deletingLastPathComponent(),
           FileManager.default.fileExists(atPath: exe.appendingPathComponent("inference-lab-analyze").path) {
            return exe
        }
        return packageRoot.appendingPathComponent(".build/debug")
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the package's `executable` with `arguments`; standard input from `stdinPath`
    /// (else empty).
    static func run(_ executable: String, _ arguments: [String], stdinPath: String? = nil) throws -> Result {
        try runProgram(binDirectory.appendingPathComponent(executable), arguments, stdinPath: stdinPath)
    }

    /// Runs any program in the package root (a script driver, `node`, `python3`).
    static func runProgram(_ program: URL, _ arguments: [String], stdinPath: String? = nil) throws -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("stdout"), err = dir.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = stdinPath.flatMap { FileHandle(forReadingAtPath: $0) } ?? FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return Result(status: process.terminationStatus,
                      stdout: try String(contentsOf: out, encoding: .utf8),
                      stderr: try String(contentsOf: err, encoding: .utf8))
    }

    static func analyze(_ arguments: [String], stdinPath: String? = nil) throws -> Result {
        try run("inference-lab-analyze", arguments, stdinPath: stdinPath)
    }

    static func simulate(_ arguments: [String]) throws -> Result {
        try run("inference-lab", arguments)
    }
}

/// A fresh temporary directory, removed by ``remove()``.
struct Scratch {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("analyze-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { "\(path)/\(name)" }
    func remove() { try? FileManager.default.removeItem(atPath: path) }

    func write(_ text: String, _ name: String) throws -> String {
        let p = file(name)
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: file(name), encoding: .utf8) }

    /// configs/config.toml with its workload shrunk and `replacements` applied; returns the path.
    func config(_ name: String, requests: Int = 60, rate: Double = 30, _ replacements: [(String, String)] = []) throws -> String {
        var text = try String(contentsOf: Tool.packageRoot.appendingPathComponent("configs/config.toml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "num_requests = 400", with: "num_requests = \(requests)")
        text = text.replacingOccurrences(of: "arrival_rate = 5.0 ", with: "arrival_rate = \(rate) ")
        for (a, b) in replacements { text = text.replacingOccurrences(of: a, with: b) }
        return try write(text, name)
    }

    /// Simulates `config` into an event log `name`; returns the log path and the simulator's --json.
    func simulate(_ config: String, _ name: String) throws -> (log: String, json: String) {
        let log = file(name)
        let r = try Tool.simulate(["-c", config, "--json", "-q", "--events", log])
        precondition(r.status == 0, "simulator failed: \(r.stderr)")
        return (log, r.stdout)
    }
}

/// A hand-made log: three requests arriving at t=0, each with TTFT 100 ms; `a` has 3 output
/// tokens finishing at 0.6 s (TPOT 250 ms), `b` one (no TPOT), `c` two finishing at 0.2 s
/// (TPOT 100 ms); `r` is rejected.
let tinyLog = """
    {"type":"header","schema":"inference-lab.events/1","version":"test","seed":1,"config":{"hardware":{"compute_flops":1e15,"memory_bandwidth":1e12}}}
    {"type":"arrival","t":0,"id":"a","prompt_tokens":10,"output_tokens":3,"priority":0}
    {"type":"arrival","t":0,"id":"b","prompt_tokens":10,"output_tokens":1,"priority":0}
    {"type":"arrival","t":0,"id":"c","prompt_tokens":10,"output_tokens":2,"priority":0}
    {"type":"rejected","t":0,"id":"r","reason":"prompt_too_long"}
    {"type":"step","step":1,"t":0,"dt":0.1,"batch":[["a",10],["b",10],["c",10]],"no_token":[],"preempted":[],"finished":["b"],"prefill_tokens":30,"decode_tokens":0,"running":2,"waiting":0,"kv_blocks_used":3,"kv_blocks_total":100,"flops":1e12,"bytes":1e10}
    {"type":"first_token","t":0.1,"step":1,"id":"a"}
    {"type":"first_token","t":0.1,"step":1,"id":"b"}
    {"type":"first_token","t":0.1,"step":1,"id":"c"}
    {"type":"finished","t":0.1,"step":1,"id":"b","output_tokens":1}
    {"type":"step","step":2,"t":0.1,"dt":0.1,"batch":[["a",1],["c",1]],"no_token":[],"preempted":[],"finished":["c"],"prefill_tokens":0,"decode_tokens":2,"running":1,"waiting":0,"kv_blocks_used":2,"kv_blocks_total":100,"flops":1e11,"bytes":1e10}
    {"type":"finished","t":0.2,"step":2,"id":"c","output_tokens":2}
    {"type":"step","step":3,"t":0.2,"dt":0.3,"batch":[["a",1]],"no_token":[],"preempted":[],"finished":[],"prefill_tokens":0,"decode_tokens":1,"running":1,"waiting":0,"kv_blocks_used":1,"kv_blocks_total":100,"flops":1e11,"bytes":1e10}
    {"type":"step","step":4,"t":0.5,"dt":0.1,"batch":[["a",1]],"no_token":[],"preempted":[],"finished":["a"],"prefill_tokens":0,"decode_tokens":1,"running":0,"waiting":0,"kv_blocks_used":0,"kv_blocks_total":100,"flops":1e11,"bytes":1e10}
    {"type":"finished","t":0.6,"step":4,"id":"a","output_tokens":3}
    {"type":"end","status":"complete","steps":4,"arrived":4,"finished":3,"rejected":1,"sim_time":0.6}

    """

/// Parses a JSON object printed by a tool.
func jsonObject(_ text: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
}
