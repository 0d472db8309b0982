/// An event sink that records a simulation as a client would measure it: a ``MeasuredRun`` with
/// per-request send times, TTFT, ITL gaps and E2E on the client's clock (the events'
/// `client_t`), by the same rules as ``MetricsReducer``.
///
/// It turns the simulator into a source of synthetic measurements with known `[engine]`
/// values, so that `calibrate --end-to-end` can be checked on a round trip.
public struct MeasuredRecorder: EventSink {
    public private(set) var requests: [MeasuredRequest] = []
    private var slotRequest: [Int] = []
    private var lastToken: [Double] = []
    private var lastStep = 0
    private var lastStepClientTime = 0.0
    /// Requests that arrived before the `warmupEnded` event (left out of ``run(file:)``).
    private var warmupRequests = 0

    public init() {}

    /// The recorded run (`source` = `"inference-lab"`) without the warm-up's requests; requests
    /// that never finished carry the error `"unfinished"`, those that timed out `"timed out"`.
    public func run(file: String = "<simulation>") -> MeasuredRun {
        MeasuredRun(source: "inference-lab", file: file, requests: Array(requests[warmupRequests...]))
    }

    public mutating func consume(_ event: SimulationEvent) {
        switch event {
        case .arrival(let a):
            let s = Int(a.slot)
            while slotRequest.count <= s { slotRequest.append(-1) }
            slotRequest[s] = requests.count
            lastToken.append(.nan)
            requests.append(MeasuredRequest(id: a.id, startTime: a.clientTime, inputTokens: a.promptTokens, outputTokens: 0,
                                            ttft: nil, itls: [], e2e: nil, error: "unfinished"))
        case .step(let r):
            lastStep = r.step
            lastStepClientTime = r.clientTime
            for slot in r.batchSlots where !r.noTokenSlots.contains(slot) {
                let i = slotRequest[Int(slot)]
                requests[i].outputTokens += 1
                if !lastToken[i].isNaN { requests[i].itls.append(r.clientTime - lastToken[i]) }
                lastToken[i] = r.clientTime
            }
        case .firstToken(let time, let step, let slot):
            let i = slotRequest[Int(slot)]
            let t = step == lastStep ? lastStepClientTime : time
            requests[i].ttft = t - requests[i].startTime!
        case .finished(let time, let step, let slot, _):
            let i = slotRequest[Int(slot)]
            let t = step == lastStep ? lastStepClientTime : time
            requests[i].e2e = t - requests[i].startTime!
            requests[i].error = nil
        case .timedOut(_, let slot):
            // The client gave up on it: a failed request, as a benchmark client counts it.
            let i = slotRequest[Int(slot)]
            requests[i].error = "timed out"
            requests[i].e2e = nil
        case .warmupEnded:
            warmupRequests = requests.count
        case .rejected, .cacheHit, .preempted:
            break
        }
    }
}
