import ArgumentParser
import CommandLineSupport
import Dispatch
import InferenceLab
import Synchronization

/// `inference-lab sweep SPEC.toml -o results.csv`: every point of a grid of config values, in
/// parallel, one row each; resumable through stored point results (docs/capacity-planning.md).
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a grid of configs (a sweep spec) in parallel and tabulate latency, throughput, goodput and cost.",
        discussion: """
            Each point's result is stored in the results directory under a digest of its resolved \
            config, trace and SLO; a re-run computes only the points not stored there. See \
            docs/capacity-planning.md.
            """
    )

    @Argument(help: "The sweep spec (TOML: base, trace, [axes], [slo], [search]).")
    var spec: String

    @Option(name: [.short, .customLong("output")], help: "The table (written when complete).")
    var output: String?

    @Option(name: .customLong("format"), help: "csv (default) or jsonl.")
    var format: String = "csv"

    @Option(name: .customLong("jobs"), parsing: .unconditional, help: "Points run at once (default: all cores).")
    var jobs: Int?

    @Option(name: .customLong("results-dir"), help: "Where point results are stored (default: OUTPUT.points).")
    var resultsDir: String?

    @Option(name: .customLong("search"), help: "max-rate: the most traffic meeting the SLO per point of the axes; min-cost: the cheapest points sustaining --target-rate.")
    var search: String?

    @Option(name: .customLong("target-rate"), parsing: .unconditional, help: "Requests per second to sustain (with --search min-cost).")
    var targetRate: Double?

    @Option(name: .customLong("max-points"), parsing: .unconditional, help: "Compute at most K new points, then stop without writing the table (resume later).")
    var maxPoints: Int?

    @Flag(name: .customLong("plan"), help: "Print the grid's points as JSON Lines (point, key) and run nothing.")
    var plan = false

    @Option(name: .customLong("point"), parsing: .unconditional, help: "Run grid point I alone into --results-dir and print its key (for distributed runners).")
    var point: Int?

    @Flag(name: .customLong("collect"), help: "Assemble the table from stored results only; an error if any point is missing.")
    var collect = false

    mutating func run() throws {
        guard let format = SweepTable.Format(rawValue: format) else {
            printError("error: --format must be csv or jsonl, got \(format)")
            throw ExitStatus.badInput
        }
        if let jobs, jobs < 1 { printError("error: --jobs must be a positive integer, got \(jobs)"); throw ExitStatus.badInput }
        if let maxPoints, maxPoints < 1 { printError("error: --max-points must be a positive integer, got \(maxPoints)"); throw ExitStatus.badInput }
        let mode = search
        if let mode, mode != "max-rate" && mode != "min-cost" {
            printError("error: --search must be max-rate or min-cost, got \(mode)")
            throw ExitStatus.badInput
        }
        if mode == "min-cost" {
            guard let r = targetRate, r > 0, r.isFinite else {
                printError("error: --search min-cost needs --target-rate R (requests per second, > 0)")
                throw ExitStatus.badInput
            }
        } else if targetRate != nil {
            printError("error: --target-rate applies to --search min-cost")
            throw ExitStatus.badInput
        }
        let spec = try reportingErrors { try SweepSpec.load(path: self.spec) }
        if mode != nil {
            guard spec.search != nil, spec.slo != nil else {
                printError("error: \(self.spec): --search needs a [slo] table and a [search] table (key, low, high) in the spec")
                throw ExitStatus.badInput
            }
        }
        if (plan || point != nil) && mode != nil {
            printError("error: --plan and --point run grid points; they do not apply to --search")
            throw ExitStatus.badInput
        }
        let directory: String
        if let resultsDir { directory = resultsDir }
        else if let output, output != "-", !plan, point == nil { directory = output + ".points" }
        else if plan { directory = "." }
        else {
            printError("error: give --results-dir DIR (or -o FILE, whose results go to FILE.points)")
            throw ExitStatus.badInput
        }
        if !plan {
            if mkdir(directory, 0o777) != 0 && errno != EEXIST {
                printError("error: \(directory): cannot create the results directory: \(String(cString: strerror(errno)))")
                throw ExitStatus.failure
            }
        }
        let runner = try reportingErrors { try SweepRunner(spec: spec, resultsDirectory: directory) }

        if plan {
            var text = ""
            for i in 0..<spec.pointCount {
                text += "{\"point\":\(i),\"key\":\(JSONText.string(runner.prepare(spec.overrides(of: i)).key))}\n"
            }
            try writeOutput(text)
            return
        }
        if let point {
            guard point >= 0 && point < spec.pointCount else {
                printError("error: --point must be in 0..<\(spec.pointCount), got \(point)")
                throw ExitStatus.badInput
            }
            let prepared = runner.prepare(spec.overrides(of: point))
            _ = try storing { () throws(InputError) in try runner.result(of: prepared) }
            try writeOutput(prepared.key + "\n")
            return
        }
        guard let output else {
            printError("error: give the table's path with -o FILE ('-' for stdout)")
            throw ExitStatus.badInput
        }
        // Opened first, so that a bad output path stops the sweep before any work.
        let file = try reportingErrors { try OutputFile(path: output, compression: .none) }

        var table = SweepTable(spec: spec, searching: mode != nil)
        let workers = jobs ?? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let progress = Progress(total: mode == nil ? spec.pointCount : groupCount(spec))
        let outcome: Outcome
        if let mode, let search = spec.search {
            outcome = try runSearch(spec, search, runner, workers: workers, progress: progress, into: &table)
            if mode == "min-cost", let target = targetRate { table = Self.cheapest(table, spec: spec, search: search, target: target) }
        } else {
            outcome = try runGrid(spec, runner, workers: workers, progress: progress, into: &table)
        }
        progress.finish()
        if outcome.stopped {
            file.abort()
            printError("stopped after computing \(outcome.computed) points (--max-points); \(outcome.missing) remain: run the same command again to finish")
            return
        }
        try reportingErrors {
            var buffer = ByteBuffer(capacity: 1 << 16)
            for b in table.render(format).utf8 { buffer.append(b) }
            try file.write(buffer)
            try file.commit()
        }
        if output != "-" {
            printError("\(table.rows.count) rows written to \(output) (\(outcome.computed) points computed, \(outcome.reused) taken from \(directory))")
        }
    }

    struct Outcome { var computed = 0, reused = 0, missing = 0, stopped = false }

    /// A store failure exits with status 1 (a failed write).
    private func storing<T>(_ body: () throws(InputError) -> T) throws -> T {
        do { return try body() } catch {
            printError("error: \(error)")
            throw ExitStatus.failure
        }
    }

    private func groupCount(_ spec: SweepSpec) -> Int { spec.pointCount }

    /// Runs the grid, `workers` points at once, in grid order into `table`.
    private func runGrid(_ spec: SweepSpec, _ runner: SweepRunner, workers: Int, progress: Progress,
                         into table: inout SweepTable) throws -> Outcome {
        let count = spec.pointCount
        let state = Mutex(WorkState(count: count))
        let limit = maxPoints, collectOnly = collect
        DispatchQueue.concurrentPerform(iterations: min(workers, max(count, 1))) { _ in
            while true {
                let next: Int? = state.withLock { s in
                    guard s.failure == nil, s.next < count, limit.map({ s.reserved < $0 }) ?? true else { return nil }
                    s.next += 1
                    return s.next - 1
                }
                guard let index = next else { return }
                let prepared = runner.prepare(spec.overrides(of: index))
                var cells = runner.stored(prepared.key)
                var computed = false
                var failure: String?
                // A new computation counts against --max-points when it starts, so that the
                // workers together never compute more than the limit.
                let allowed = cells == nil && !collectOnly && state.withLock { s -> Bool in
                    if let limit, s.reserved >= limit { return false }
                    s.reserved += 1
                    return true
                }
                if allowed {
                    let c = runner.run(prepared)
                    do throws(InputError) { try runner.store(c, key: prepared.key) } catch { failure = error.description }
                    cells = c
                    computed = true
                }
                state.withLock { s in
                    s.cells[index] = cells
                    if computed { s.computed += 1 } else if cells != nil { s.reused += 1 }
                    if let failure, s.failure == nil { s.failure = failure }
                }
                progress.advance()
            }
        }
        let final = state.withLock { $0 }
        if let stopped = try stoppedOutcome(final, final.cells, runner, lacking: "points have no stored result") {
            return stopped
        }
        for index in 0..<count {
            let leading = axisCells(spec, index)
            table.append(leading: leading, cells: final.cells[index]!)
        }
        return Outcome(computed: final.computed, reused: final.reused)
    }

    /// The row's leading cells: the values of the axes at grid point `index`.
    private func axisCells(_ spec: SweepSpec, _ index: Int) -> [SweepCell] {
        zip(spec.axes, spec.valueIndices(of: index)).map { SweepCell.axisValue($0.valueTexts[$1]) }
    }

    /// What the workers left, before the table is assembled: a point's failure exits with
    /// status 1; with --collect, points missing from `results` (`lacking` says what they
    /// lack) exit with status 2; otherwise missing points mean the run stopped at
    /// --max-points, and the outcome to report is returned (nil: every point is there).
    private func stoppedOutcome<Result>(_ final: WorkState, _ results: [Result?], _ runner: SweepRunner,
                                        lacking: String) throws -> Outcome? {
        let missing = results.filter { $0 == nil }.count, count = results.count
        if let failure = final.failure {
            printError("error: \(failure)")
            throw ExitStatus.failure
        }
        if collect && missing > 0 {
            printError("error: \(missing) of \(count) \(lacking) in \(runner.resultsDirectory) (--collect computes nothing)")
            throw ExitStatus.badInput
        }
        return missing > 0 ? Outcome(computed: final.computed, reused: final.reused, missing: missing, stopped: true) : nil
    }

    /// Runs the traffic search for every point of the axes, `workers` at once.
    private func runSearch(_ spec: SweepSpec, _ search: SweepSpec.Search, _ runner: SweepRunner, workers: Int,
                           progress: Progress, into table: inout SweepTable) throws -> Outcome {
        let count = spec.pointCount
        let state = Mutex(WorkState(count: count))
        let limit = maxPoints, collectOnly = collect
        let line = search.line
        DispatchQueue.concurrentPerform(iterations: min(workers, max(count, 1))) { _ in
            while true {
                let next: Int? = state.withLock { s in
                    guard s.failure == nil, !s.stopped, s.next < count else { return nil }
                    s.next += 1
                    return s.next - 1
                }
                guard let index = next else { return }
                let base = spec.overrides(of: index)
                struct Stop: Error { var message: String? }
                do throws(Stop) {
                    let outcome = try SweepSearch.maxTraffic(search) { (value: Double) throws(Stop) -> [String: SweepCell] in
                        let o = ConfigOverride.number(key: search.key, value: value, file: spec.file, line: line)
                        let prepared = runner.prepare(base + [o])
                        if let cells = runner.stored(prepared.key) {
                            state.withLock { $0.reused += 1 }
                            return cells
                        }
                        let allowed = state.withLock { s -> Bool in
                            if collectOnly || (limit.map { s.reserved >= $0 } ?? false) { s.stopped = true; return false }
                            s.reserved += 1
                            s.computed += 1
                            return true
                        }
                        guard allowed else { throw Stop(message: nil) }
                        let cells = runner.run(prepared)
                        do throws(InputError) { try runner.store(cells, key: prepared.key) } catch { throw Stop(message: error.description) }
                        return cells
                    }
                    let row = SearchRow(value: outcome.value, probes: outcome.probes, cells: outcome.cells)
                    state.withLock { $0.search[index] = row }
                } catch {
                    if let message = error.message { state.withLock { s in if s.failure == nil { s.failure = message } } }
                }
                progress.advance()
            }
        }
        let final = state.withLock { $0 }
        if let stopped = try stoppedOutcome(final, final.search, runner, lacking: "searches lack stored probes") {
            return stopped
        }
        for index in 0..<count {
            let row = final.search[index]!
            var leading = axisCells(spec, index)
            leading += [row.value.map(SweepCell.number) ?? .empty, .number(Double(row.probes))]
            table.append(leading: leading, cells: row.cells)
        }
        return Outcome(computed: final.computed, reused: final.reused)
    }

    /// The rows of a max-rate table that sustain `target` requests per second, cheapest first
    /// (then most tokens per dollar; rows without a price last), ties in grid order.
    static func cheapest(_ table: SweepTable, spec: SweepSpec, search: SweepSpec.Search, target: Double) -> SweepTable {
        let at = spec.axes.count
        let metric = { (name: String) in at + 2 + SweepRunner.metricColumns.firstIndex(of: name)! }
        var kept: [(Int, [SweepCell])] = []
        for (i, row) in table.rows.enumerated() {
            var cells: [String: SweepCell] = [:]
            cells["request_throughput"] = row[metric("request_throughput")]
            guard let rate = SweepSearch.sustainedRate(search, value: row[at].number, cells: cells), rate >= target else { continue }
            kept.append((i, row))
        }
        let cost = metric("cost_per_hour"), perDollar = metric("tokens_per_dollar")
        kept.sort { a, b in
            let ca = a.1[cost].number ?? .infinity, cb = b.1[cost].number ?? .infinity
            if ca != cb { return ca < cb }
            let ta = a.1[perDollar].number ?? -1, tb = b.1[perDollar].number ?? -1
            if ta != tb { return ta > tb }
            return a.0 < b.0
        }
        var out = table
        out.rows = kept.map(\.1)
        return out
    }
}

struct SearchRow { var value: Double?; var probes: Int; var cells: [String: SweepCell] }

/// What the workers share.
struct WorkState {
    var next = 0, computed = 0, reused = 0
    /// New computations started (counted against --max-points).
    var reserved = 0
    var stopped = false
    var failure: String?
    var cells: [[String: SweepCell]?]
    var search: [SearchRow?]
    init(count: Int) {
        cells = Array(repeating: nil, count: count)
        search = Array(repeating: nil, count: count)
    }
}

/// A progress bar on stderr when it is a terminal.
final class Progress: Sendable {
    private let total: Int
    private let state = Mutex((done: 0, next: 0.0))
    private let enabled = stderrIsTerminal

    init(total: Int) { self.total = total }

    func advance() {
        guard enabled else { return }
        state.withLock { s in
            s.done += 1
            let now = wallSeconds()
            guard now >= s.next || s.done == total else { return }
            s.next = now + 0.2
            let width = 30, filled = total > 0 ? s.done * width / total : width
            writeText("\r\u{1B}[K  [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                      + "] \(s.done)/\(total) points", fd: 2)
        }
    }

    func finish() { if enabled { writeText("\r\u{1B}[K", fd: 2) } }
}
