import Testing
@testable import InferenceLabAnalysis

@Suite("request latency diff")
struct RequestLatencyDiffTests {
    @Test("request diff: matched by id, counts, top by |ΔE2E|")
    func requestDiff() {
        func r(_ id: String, _ ttft: Double, _ e2e: Double) -> RequestOutcome {
            var o = RequestOutcome(id: id, status: .finished, arrival: 0)
            o.firstToken = ttft
            o.finish = e2e
            return o
        }
        var d = RequestLatencyDiff(top: 2)
        for o in [r("a", 1, 5), r("b", 1, 5), r("c", 1, 5), r("x", 1, 1)] { d.addReference(o) }
        for o in [r("c", 1, 9), r("a", 2, 4), r("b", 1, 5), r("y", 1, 1)] { d.addOther(o) }
        d.finish()
        #expect(d.matched == 3 && d.onlyInA == 1 && d.onlyInB == 1)
        #expect(d.slower == 1 && d.faster == 1 && d.unchanged == 1)
        #expect(d.top.map(\.id) == ["c", "a"])
        #expect(d.top[0].e2eDelta == 4)
        // B read first (A from stdin): deltas are still B − A.
        var swapped = RequestLatencyDiff(top: 1, referenceIsA: false)
        swapped.addReference(r("c", 1, 9))
        swapped.addOther(r("c", 1, 5))
        #expect(swapped.top.first?.e2eDelta == 4)
    }
}
