/// Bad lines passed over under `--skip-invalid`: how many, and why for the first few.
public struct SkippedLines: Sendable, Equatable {
    /// How many reasons are kept.
    public static let keptReasons = 5

    /// Lines skipped.
    public private(set) var count = 0
    /// The errors of the first ``keptReasons`` skipped lines, in file order.
    public private(set) var firstReasons: [InputError] = []

    public init() {}

    /// Counts one skipped line.
    public mutating func record(_ error: InputError) {
        count += 1
        if firstReasons.count < Self.keptReasons { firstReasons.append(error) }
    }

    /// A report for standard error, or nil when nothing was skipped:
    ///
    /// ```
    /// warning: skipped 3 invalid lines of t.jsonl; the first:
    ///   t.jsonl:4: prompt_tokens: must be a positive number of tokens, got 0
    /// ```
    public func report(file: String) -> String? {
        guard count > 0 else { return nil }
        var text = "warning: skipped \(count) invalid line\(count == 1 ? "" : "s") of \(file)"
        text += count > firstReasons.count ? "; the first \(firstReasons.count):" : ":"
        for reason in firstReasons { text += "\n  \(reason)" }
        return text
    }
}
