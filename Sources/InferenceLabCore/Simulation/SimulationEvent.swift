/// A request entering the node.
public struct ArrivalEvent: Sendable, Equatable {
    /// When the request reached the engine core (the scheduler's waiting queue).
    public var time: Double
    public var slot: RequestSlot
    public var id: String
    public var promptTokens: Int
    public var outputTokens: Int
    public var priority: Int
    /// When the client sent it: `time` less the API server's intake (``EngineTiming``);
    /// equal to `time` without an `[engine]` model.
    public var clientTime: Double

    public init(time: Double, slot: RequestSlot, id: String, promptTokens: Int, outputTokens: Int, priority: Int,
                clientTime: Double? = nil) {
        self.time = time
        self.clientTime = clientTime ?? time
        self.slot = slot
        self.id = id
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.priority = priority
    }
}

/// One engine step: what was scheduled, what it cost, and the state after it.
///
/// The arrays are reused by the simulator between steps; a sink that keeps them must copy.
public struct StepRecord: Sendable {
    /// 1-based step number.
    public var step: Int
    /// Start of the step (seconds).
    public var time: Double
    /// Duration (seconds); the next step starts at exactly `time + duration`.
    public var duration: Double
    /// Scheduled requests in vLLM's order (running first, then newly admitted).
    public var batchSlots: [RequestSlot] = []
    /// Tokens scheduled for each entry of `batchSlots`.
    public var batchTokens: [Int32] = []
    /// Entries of the batch that produced no output token (partial prefill chunks, and in
    /// async mode outputs of requests that had already finished).
    public var noTokenSlots: [RequestSlot] = []
    /// Requests preempted while this step was being built.
    public var preemptedSlots: [RequestSlot] = []
    /// Requests that finished when this step's output was processed.
    public var finishedSlots: [RequestSlot] = []
    public var prefillTokens: Int = 0
    public var decodeTokens: Int = 0
    /// Queue lengths after the step's output was processed.
    public var running: Int = 0
    public var waiting: Int = 0
    /// Blocks referenced by some request after the step's output was processed.
    public var kvBlocksUsed: Int = 0
    /// Usable blocks (vLLM's null block not counted).
    public var kvBlocksTotal: Int = 0
    /// FLOPs and bytes of the step, as the roofline counts them.
    public var flops: Double = 0
    public var bytes: Double = 0
    /// When the client sees the step's output tokens, or NaN for the step's end (no
    /// `[engine]` output cost). Read it through ``clientTime``.
    public var clientSeenTime: Double = .nan

    public init(step: Int = 0, time: Double = 0, duration: Double = 0) {
        self.step = step
        self.time = time
        self.duration = duration
    }

    /// End of the step.
    public var endTime: Double { time + duration }

    /// When the client sees the step's output tokens (its first tokens, finishes and inter-token
    /// gaps are measured at this time): ``endTime`` unless the API server's output handling
    /// delays them.
    @inlinable
    public var clientTime: Double { clientSeenTime.isNaN ? time + duration : clientSeenTime }

    /// Replaces the three id lists with copies of these, keeping the arrays' capacity.
    @inlinable
    public mutating func setIDLists(noToken: [RequestSlot], preempted: [RequestSlot], finished: [RequestSlot]) {
        noTokenSlots.removeAll(keepingCapacity: true)
        noTokenSlots.append(contentsOf: noToken)
        preemptedSlots.removeAll(keepingCapacity: true)
        preemptedSlots.append(contentsOf: preempted)
        finishedSlots.removeAll(keepingCapacity: true)
        finishedSlots.append(contentsOf: finished)
    }
}

/// Everything the simulator reports, in time order.
public enum SimulationEvent: Sendable {
    case arrival(ArrivalEvent)
    /// A request refused at arrival.
    case rejected(time: Double, slot: RequestSlot, id: String, reason: RejectionReason)
    /// A prefix-cache lookup found `tokens` cached tokens at (re)admission in `step`.
    case cacheHit(time: Double, step: Int, slot: RequestSlot, tokens: Int, resumed: Bool)
    /// Emitted after the step's output was processed (so `finishedSlots` is known), before the
    /// `firstToken` and `finished` events it caused.
    case step(StepRecord)
    case firstToken(time: Double, step: Int, slot: RequestSlot)
    case preempted(time: Double, step: Int, slot: RequestSlot)
    case finished(time: Double, step: Int, slot: RequestSlot, outputTokens: Int)
    /// The client gave up on the request (`[workload] request_timeout` after it sent it): the
    /// engine aborted it at the step boundary `time`, freeing its blocks. Its slot is valid
    /// until this event has been consumed; it produces no later token.
    case timedOut(time: Double, slot: RequestSlot)
    /// The warmup (``WarmupRequestSource``) has drained and the measured window starts at
    /// `time`: every event before this one belongs to the warmup. Emitted once, before the
    /// first measured request's `arrival` (or `rejected`), only in runs with a warmup.
    case warmupEnded(time: Double)
}

/// Receives the simulator's events.
///
/// Sinks are generic parameters, never existentials, so calls are static and inlinable.
public protocol EventSink {
    mutating func consume(_ event: SimulationEvent)
}

/// Discards everything.
public struct NullSink: EventSink {
    public init() {}
    @inlinable public mutating func consume(_ event: SimulationEvent) {}
}

/// Sends every event to two sinks, first `a` then `b`.
public struct TeeSink<A: EventSink, B: EventSink>: EventSink {
    public var a: A
    public var b: B
    public init(_ a: A, _ b: B) { self.a = a; self.b = b }
    public mutating func consume(_ event: SimulationEvent) {
        a.consume(event)
        b.consume(event)
    }
}

/// Keeps every event in memory (tests and small runs).
public struct RecordingSink: EventSink {
    public var events: [SimulationEvent] = []
    public init() {}
    public mutating func consume(_ event: SimulationEvent) { events.append(event) }
}
