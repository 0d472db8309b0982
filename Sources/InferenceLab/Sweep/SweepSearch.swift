/// The traffic search of a sweep: for one point of the other axes, the most traffic (highest
/// `workload.arrival_rate`, or lowest `workload.time_scale`) at which the point still meets
/// its SLO, by bisection between the spec's `low` and `high` to within `tolerance`.
public enum SweepSearch {
    /// The outcome: the passing value found (nil when even the least traffic fails), its
    /// row's cells (of the least-traffic probe when none passes), and the probes run.
    public struct Outcome {
        public var value: Double?
        public var cells: [String: SweepCell]
        public var probes: Int
    }

    /// Whether a probe's row meets the SLO (`slo_met` = 1; an error row never does).
    public static func meets(_ cells: [String: SweepCell]) -> Bool { cells["slo_met"]?.number == 1 }

    /// Searches `search`'s bracket; `evaluate` runs (or finds) the point at one value.
    ///
    /// The least-traffic end is probed first (failing there ends the search with no value),
    /// then the most-traffic end (passing there ends it with that end), then the midpoint of
    /// the bracket between the last passing and the last failing value, until the two are at
    /// most `tolerance` apart; the result is the last passing value. Meeting the SLO is
    /// assumed to be monotone in traffic.
    public static func maxTraffic<E: Error>(_ search: SweepSpec.Search,
                                            evaluate: (Double) throws(E) -> [String: SweepCell]) throws(E) -> Outcome {
        let least = search.higherIsMoreTraffic ? search.low : search.high
        let most = search.higherIsMoreTraffic ? search.high : search.low
        let first = try evaluate(least)
        guard meets(first) else { return Outcome(value: nil, cells: first, probes: 1) }
        let top = try evaluate(most)
        if meets(top) { return Outcome(value: most, cells: top, probes: 2) }
        var pass = least, fail = most, passCells = first, probes = 2
        while abs(fail - pass) > search.tolerance {
            let mid = (pass + fail) / 2
            let cells = try evaluate(mid)
            probes += 1
            if meets(cells) { pass = mid; passCells = cells } else { fail = mid }
        }
        return Outcome(value: pass, cells: passCells, probes: probes)
    }

    /// The request rate a search row sustains: the value found for `workload.arrival_rate`,
    /// else the run's `request_throughput` at the value found.
    public static func sustainedRate(_ search: SweepSpec.Search, value: Double?, cells: [String: SweepCell]) -> Double? {
        guard let value else { return nil }
        return search.higherIsMoreTraffic ? value : cells["request_throughput"]?.number
    }
}
