import Testing
@testable import InferenceLabAnalysis

@Suite("service-level objective")
struct ServiceLevelObjectiveTests {
    @Test("SLO: a one-token request has no TPOT and meets that target")
    func slo() {
        var one = RequestOutcome(id: "b", status: .finished, arrival: 0)
        one.firstToken = 0.1; one.finish = 0.1; one.outputTokens = 1
        var many = RequestOutcome(id: "a", status: .finished, arrival: 0)
        many.firstToken = 0.1; many.finish = 0.6; many.outputTokens = 3
        let slo = ServiceLevelObjective(ttftMs: 150, tpotMs: 200)
        #expect(slo.isMet(by: one))
        #expect(!slo.isMet(by: many))
        #expect(ServiceLevelObjective(ttftMs: 150, tpotMs: 250).isMet(by: many))
        #expect(!ServiceLevelObjective(ttftMs: 99).isMet(by: one))
        var counter = GoodputCounter(objective: slo)
        counter.add(one); counter.add(many)
        counter.add(RequestOutcome(id: "r", status: .rejected(.promptTooLong), arrival: 0))
        #expect(counter.completed == 2 && counter.met == 1 && counter.attainment == 0.5)
        #expect(counter.goodput(duration: 0.5) == 2)
    }
}
