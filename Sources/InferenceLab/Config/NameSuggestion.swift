/// "Did you mean …?" for misspelt keys and values.
enum NameSuggestion {
    /// The candidate closest to `name` by edit distance (ignoring case), if it is close enough
    /// to be a plausible typo: at most max(2, ⌊2 × length / 5⌋) edits, or one name containing the
    /// other.
    static func nearest(to name: String, among candidates: [String]) -> String? {
        let lowered = name.lowercased()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let limit = lowered.count <= 2 ? 1 : max(2, lowered.count * 2 / 5)
        if best.distance <= limit { return best.candidate }
        if lowered.count >= 4,
           let containing = candidates.first(where: { $0.lowercased().contains(lowered) || lowered.contains($0.lowercased()) }) {
            return containing
        }
        return nil
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and
    /// transpositions of adjacent characters each cost one.
    /// `unknown WHAT "raw"; did you mean "near"? Valid values: a, b` (without a suggestion:
    /// `; valid values: a, b`), the message for a value outside a fixed set.
    static func unknownValueMessage(_ what: String, _ raw: String, among choices: [String]) -> String {
        var message = "unknown \(what) \"\(raw)\""
        if let near = nearest(to: raw, among: choices) {
            message += "; did you mean \"\(near)\"? Valid values: "
        } else {
            message += "; valid values: "
        }
        return message + choices.joined(separator: ", ")
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d = min(d, previous2[j - 2] + 1)
                }
                current[j] = d
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }

    /// `"a", "b", "c"` for messages.
    static func quotedList(_ names: [String]) -> String {
        names.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}
