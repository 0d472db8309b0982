import Foundation
import Testing

@Suite("inference-lab-analyze error paths")
struct ErrorPathTests {
    static let commands: [[String]] = [["summary"], ["export", "--requests", "/dev/null"], ["report", "-o", "/dev/null"]]

    @Test("a missing file: exit 2 naming it", arguments: commands)
    func missingFile(command: [String]) throws {
        var args = command
        args.insert("/no/such/run.jsonl.gz", at: 1)
        let r = try Tool.analyze(args)
        #expect(r.status == 2)
        #expect(r.stderr.contains("/no/such/run.jsonl.gz"), "\(r.stderr)")
        let d = try Tool.analyze(["diff", "/no/such/a.jsonl", "/no/such/b.jsonl"])
        #expect(d.status == 2 && d.stderr.contains("/no/such/a.jsonl"))
    }

    @Test("a wrong schema: exit 2 naming the file, line and field")
    func wrongSchema() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let log = try dir.write(tinyLog.replacingOccurrences(of: "inference-lab.events/1", with: "inference-lab.events/9"), "v9.jsonl")
        for args in [["summary", log], ["diff", log, log], ["export", log, "--requests", dir.file("r.csv")], ["report", log, "-o", dir.file("r.html")]] {
            let r = try Tool.analyze(args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains("\(log):1: schema: unsupported schema 'inference-lab.events/9'"), "\(r.stderr)")
        }
        #expect(try dir.contents().sorted() == ["v9.jsonl"])
        let notALog = try dir.write("{\"arrival_time\": 0.5, \"prompt_tokens\": 3, \"output_tokens\": 2}\n", "trace.jsonl")
        let r = try Tool.analyze(["summary", notALog])
        #expect(r.status == 2 && r.stderr.contains("not an inference-lab event log"))
    }

    @Test("no end record: exit 2, unless --allow-incomplete (then a warning)")
    func incomplete() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let lines = tinyLog.split(separator: "\n")
        let cut = try dir.write(lines.dropLast().joined(separator: "\n") + "\n", "cut.jsonl")
        for args in [["summary", cut], ["diff", cut, cut], ["export", cut, "--requests", dir.file("r.csv")], ["report", cut, "-o", dir.file("r.html")]] {
            let r = try Tool.analyze(args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains("\(cut): incomplete event log: no end record"), "\(r.stderr)")
            let ok = try Tool.analyze(args + ["--allow-incomplete"])
            #expect(ok.status == 0, "\(args): \(ok.stderr)")
            #expect(ok.stderr.contains("warning: \(cut): no end record"), "\(ok.stderr)")
        }
        // Cut before `a` finished: the export lists it as unfinished.
        let early = try dir.write(lines.dropLast(2).joined(separator: "\n") + "\n", "early.jsonl")
        #expect(try Tool.analyze(["export", early, "--requests", dir.file("u.csv"), "--allow-incomplete"]).status == 0)
        #expect(try dir.read("u.csv").contains("\na,0,0.1,,100,,,0,10,3,0,0,unfinished,\n"))
    }

    @Test("a missing output directory: exit 2 naming the file, nothing written")
    func missingOutputDirectory() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let log = try dir.write(tinyLog, "tiny.jsonl")
        let missing = dir.file("no/such/dir/out.csv")
        for args in [["export", log, "--requests", missing], ["export", log, "--requests", dir.file("ok.csv"), "--steps", missing],
                     ["report", log, "-o", missing]] {
            let r = try Tool.analyze(args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains(missing), "\(r.stderr)")
        }
        #expect(try dir.contents() == ["tiny.jsonl"])
    }
}
