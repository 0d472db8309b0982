import TOMLKit

/// A sweep: a base config, an optional trace, axes of config values whose product are the
/// points, and optionally the SLO each point is judged by and the traffic search settings.
///
/// ```toml
/// base = "../config.toml"            # relative to this file
/// trace = "../../traces/x.jsonl.gz"  # optional: replay it at every point
/// max_requests = 10000               # optional: replay at most this many requests
///
/// [axes]                             # any dotted config key → list of values
/// "hardware.preset" = ["h100-sxm", "h200-sxm"]
/// "hardware.tensor_parallel_size" = [2, 4, 8]
///
/// [slo]                              # optional
/// ttft_ms = 2000
/// tpot_ms = 100
/// attainment = 0.9
///
/// [search]                           # optional: for --search
/// key = "workload.time_scale"
/// low = 0.25
/// high = 8
/// tolerance = 0.01
/// ```
///
/// Points run in the order of the axes as the file lists them, the last axis fastest.
public struct SweepSpec: Sendable {
    /// One axis: a dotted config key and its values, with the line that declared it.
    public struct Axis: Sendable {
        public var key: String
        var values: [TOMLNode]
        public var line: Int?
        /// The values as text (for the table's cells).
        public var valueTexts: [String] { values.map(\.plainText) }
    }

    /// The traffic search's settings (`[search]`).
    public struct Search: Sendable {
        /// `workload.arrival_rate` (higher is more traffic) or `workload.time_scale` (lower is).
        public var key: String
        public var low: Double
        public var high: Double
        /// Bisection stops when the bracket is at most this wide (in the key's unit).
        public var tolerance: Double
        /// Whether a larger value of ``key`` is more traffic.
        public var higherIsMoreTraffic: Bool { key == "workload.arrival_rate" }
        public var line: Int?
    }

    /// The spec file as named.
    public var file: String
    /// The base config's path (resolved against the spec's directory).
    public var base: String
    /// The spec's line of `base`, for errors about reading it.
    public var baseLine: Int?
    /// The trace's path (resolved), if any.
    public var trace: String?
    /// The spec's line of `trace`.
    public var traceLine: Int?
    /// Requests replayed from the trace at most (nil: all).
    public var maxRequests: Int?
    public var axes: [Axis]
    /// The objective (nil without `[slo]`).
    public var slo: ServiceLevelObjective?
    /// The fraction of arrived requests that must meet ``slo`` (default 0.99).
    public var attainment: Double
    public var search: Search?

    /// Number of grid points (the product of the axes' lengths; 1 without axes).
    public var pointCount: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// The axis values of grid point `index` (last axis fastest): one index per axis.
    public func valueIndices(of index: Int) -> [Int] {
        var rest = index
        var out = [Int](repeating: 0, count: axes.count)
        for a in axes.indices.reversed() {
            out[a] = rest % axes[a].values.count
            rest /= axes[a].values.count
        }
        return out
    }

    /// The overrides of grid point `index`.
    public func overrides(of index: Int) -> [ConfigOverride] {
        zip(axes, valueIndices(of: index)).map { axis, v in
            ConfigOverride(key: axis.key, value: axis.values[v], file: file, line: axis.line)
        }
    }

    /// Reads and checks a spec file.
    ///
    /// - Throws: ``InputError`` naming the spec, the line and the key: a syntax error, an
    ///   unknown key or table, a wrong type, an axis key that is not a config key, an empty
    ///   axis, a bad SLO or search setting.
    public static func load(path: String) throws(InputError) -> SweepSpec {
        let text: String
        switch ConfigFileReader.readText(path: path) {
        case .success(let t): text = t
        case .failure(let reason): throw InputError(file: path, message: reason.message)
        }
        return try parse(text, file: path)
    }

    /// Parses spec text (see ``load(path:)``); relative paths are resolved against `file`'s
    /// directory.
    public static func parse(_ text: String, file: String) throws(InputError) -> SweepSpec {
        let root = try TOMLNode.parseDocument(text, file: file)
        let locator = TOMLKeyLocator(source: text)
        func fail(_ path: [String], _ message: String) -> InputError {
            InputError(file: file, line: locator.line(of: path), field: path.joined(separator: "."), message)
        }
        let topKeys = ["base", "trace", "max_requests", "axes", "slo", "search"]
        for key in root.keys.sorted() where !topKeys.contains(key) {
            var message = "unknown key in a sweep spec"
            if let near = NameSuggestion.nearest(to: key, among: topKeys) { message += "; did you mean \"\(near)\"?" }
            else { message += "; valid keys: \(topKeys.joined(separator: ", "))" }
            throw fail([key], message)
        }
        let directory = Catalog.directory(of: file)
        func resolve(_ p: String) -> String {
            guard !p.hasPrefix("/"), directory != "." else { return p }
            return directory == "/" ? "/" + p : directory + "/" + p
        }
        guard let baseNode = root["base"] else {
            throw InputError(file: file, field: "base", "is required: the config file the sweep starts from (base = \"config.toml\")")
        }
        guard case .string(let base) = baseNode else { throw fail(["base"], "expected a string, got \(baseNode.kindAndValue)") }
        var trace: String?
        if let node = root["trace"] {
            guard case .string(let t) = node else { throw fail(["trace"], "expected a string, got \(node.kindAndValue)") }
            trace = resolve(t)
        }
        var maxRequests: Int?
        if let node = root["max_requests"] {
            guard case .integer(let n) = node, n > 0 else { throw fail(["max_requests"], "expected a positive integer, got \(node.kindAndValue)") }
            maxRequests = n
        }

        var axes: [Axis] = []
        if let node = root["axes"] {
            guard case .table(let entries) = node else { throw fail(["axes"], "expected a table ([axes]), got \(node.kindAndValue)") }
            for (key, value) in entries {
                let path = ["axes", key]
                let line = locator.line(of: path)
                try ConfigOverride.checkKey(key, file: file, line: line)
                try checkConfigKey(key, file: file, line: line)
                guard case .array(let values) = value else {
                    throw fail(path, "expected a list of values (e.g. [1, 2, 4]), got \(value.kindAndValue)")
                }
                if values.isEmpty { throw fail(path, "an axis needs at least one value") }
                axes.append(Axis(key: key, values: values, line: line))
            }
            // The file's order (the TOML reader does not keep it).
            axes.sort { ($0.line ?? .max, $0.key) < ($1.line ?? .max, $1.key) }
        }

        var slo: ServiceLevelObjective?
        var attainment = 0.99
        if let node = root["slo"] {
            guard case .table(let entries) = node else { throw fail(["slo"], "expected a table ([slo]), got \(node.kindAndValue)") }
            let known = ["ttft_ms", "tpot_ms", "e2e_ms", "attainment"]
            var objective = ServiceLevelObjective()
            for key in entries.keys.sorted() {
                let path = ["slo", key]
                guard known.contains(key) else {
                    var message = "unknown key in [slo]"
                    if let near = NameSuggestion.nearest(to: key, among: known) { message += "; did you mean \"\(near)\"?" }
                    else { message += "; valid keys: \(known.joined(separator: ", "))" }
                    throw fail(path, message)
                }
                let x: Double
                switch entries[key]! {
                case .integer(let i): x = Double(i)
                case .float(let f): x = f
                default: throw fail(path, "expected a number, got \(entries[key]!.kindAndValue)")
                }
                if key == "attainment" {
                    guard x > 0 && x <= 1 else { throw fail(path, "must be in (0, 1], got \(x)") }
                    attainment = x
                    continue
                }
                guard x > 0 && x.isFinite else { throw fail(path, "must be a positive finite number of milliseconds, got \(x)") }
                switch key {
                case "ttft_ms": objective.ttftMs = x
                case "tpot_ms": objective.tpotMs = x
                default: objective.e2eMs = x
                }
            }
            if objective.ttftMs == nil && objective.tpotMs == nil && objective.e2eMs == nil {
                throw fail(["slo"], "needs at least one limit: ttft_ms, tpot_ms or e2e_ms")
            }
            slo = objective
        }

        var search: Search?
        if let node = root["search"] {
            guard case .table(let entries) = node else { throw fail(["search"], "expected a table ([search]), got \(node.kindAndValue)") }
            let known = ["key", "low", "high", "tolerance"]
            for key in entries.keys.sorted() where !known.contains(key) {
                var message = "unknown key in [search]"
                if let near = NameSuggestion.nearest(to: key, among: known) { message += "; did you mean \"\(near)\"?" }
                else { message += "; valid keys: \(known.joined(separator: ", "))" }
                throw fail(["search", key], message)
            }
            let keys = ["workload.arrival_rate", "workload.time_scale"]
            var key = trace == nil ? "workload.arrival_rate" : "workload.time_scale"
            if let k = entries["key"] {
                guard case .string(let s) = k, keys.contains(s) else {
                    throw fail(["search", "key"], "must be \"workload.arrival_rate\" or \"workload.time_scale\", got \(k.plainText)")
                }
                key = s
            }
            func number(_ name: String) throws(InputError) -> Double? {
                guard let n = entries[name] else { return nil }
                switch n {
                case .integer(let i) where i > 0: return Double(i)
                case .float(let f) where f > 0 && f.isFinite: return f
                default: throw fail(["search", name], "expected a positive number, got \(n.kindAndValue)")
                }
            }
            guard let low = try number("low"), let high = try number("high") else {
                throw fail(["search"], "needs low and high: the bracket of \(key) to search")
            }
            guard low < high else { throw fail(["search", "high"], "must be above low (\(low)), got \(high)") }
            let tolerance = try number("tolerance") ?? (high - low) / 64
            if axes.contains(where: { $0.key == key }) {
                throw fail(["search", "key"], "\(key) is searched, so it cannot also be an axis")
            }
            search = Search(key: key, low: low, high: high, tolerance: tolerance, line: locator.line(of: ["search"]))
        }
        return SweepSpec(file: file, base: resolve(base), baseLine: locator.line(of: ["base"]), trace: trace,
                         traceLine: locator.line(of: ["trace"]), maxRequests: maxRequests, axes: axes,
                         slo: slo, attainment: attainment, search: search)
    }

    /// Rejects a dotted key whose table or key the config schema does not declare.
    static func checkConfigKey(_ key: String, file: String, line: Int?) throws(InputError) {
        var parts = key.split(separator: ".").map(String.init)
        // A pool's key (`cluster.pool[0].replicas`) or a key of a pool's table
        // (`cluster.pool[1].hardware.preset`).
        if parts.count >= 3, parts[0] == "cluster", ConfigOverride.arrayEntry(parts[1])?.0 == "pool" {
            if parts.count == 3 && ConfigSchema.clusterPool.key(parts[2]) != nil { return }
            guard parts.count == 4, ReplicaPool.tableNames.contains(parts[2]) else {
                throw InputError(file: file, line: line, field: key,
                                 "a pool's key is \(parts[1]).KEY (\(ConfigSchema.clusterPool.keyNames.joined(separator: ", "))) or \(parts[1]).TABLE.KEY (tables: \(ReplicaPool.tableNames.joined(separator: ", ")))")
            }
            parts = Array(parts[2...])
        }
        guard let keys = ConfigSchema.keys(of: parts[0]) else {
            var message = "[\(parts[0])] is not a config table"
            if let near = NameSuggestion.nearest(to: parts[0], among: ConfigSchema.tableNames) { message += "; did you mean [\(near)]?" }
            else { message += "; tables: \(ConfigSchema.tableNames.joined(separator: ", "))" }
            throw InputError(file: file, line: line, field: key, message)
        }
        guard keys.contains(parts[1]) else {
            var message = "unknown key in [\(parts[0])]"
            if let near = NameSuggestion.nearest(to: parts[1], among: keys) { message += "; did you mean \"\(parts[0]).\(near)\"?" }
            throw InputError(file: file, line: line, field: key, message)
        }
    }
}
