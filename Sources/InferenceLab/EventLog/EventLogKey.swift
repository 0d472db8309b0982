/// The record keys the event-log decoder knows, most frequent (those of `step` records) first.
///
/// The raw value is the key's position in ``names``, which is what the scanner matches and
/// the decoder's successor table stores, so no key becomes a `String`; the decoder switches
/// on the case.
enum EventLogKey: Int, CaseIterable {
    case type, step, t, dt, batch, noToken, preempted, finished
    case prefillTokens, decodeTokens, running, waiting, kvBlocksUsed, kvBlocksTotal
    case flops, bytes, id, promptTokens, outputTokens, priority, tokens, reason
    case status, resumed, simTime, steps, arrived, rejected, skippedLines, skippedReasons, clientT
    case replica, phase, scores

    /// The key as the log writes it.
    var name: StaticString {
        switch self {
        case .type: return "type"
        case .step: return "step"
        case .t: return "t"
        case .dt: return "dt"
        case .batch: return "batch"
        case .noToken: return "no_token"
        case .preempted: return "preempted"
        case .finished: return "finished"
        case .prefillTokens: return "prefill_tokens"
        case .decodeTokens: return "decode_tokens"
        case .running: return "running"
        case .waiting: return "waiting"
        case .kvBlocksUsed: return "kv_blocks_used"
        case .kvBlocksTotal: return "kv_blocks_total"
        case .flops: return "flops"
        case .bytes: return "bytes"
        case .id: return "id"
        case .promptTokens: return "prompt_tokens"
        case .outputTokens: return "output_tokens"
        case .priority: return "priority"
        case .tokens: return "tokens"
        case .reason: return "reason"
        case .status: return "status"
        case .resumed: return "resumed"
        case .simTime: return "sim_time"
        case .steps: return "steps"
        case .arrived: return "arrived"
        case .rejected: return "rejected"
        case .skippedLines: return "skipped_lines"
        case .skippedReasons: return "skipped_reasons"
        case .clientT: return "client_t"
        case .replica: return "replica"
        case .phase: return "phase"
        case .scores: return "scores"
        }
    }

    /// Every key's name, indexed by raw value.
    static let names: [StaticString] = allCases.map { $0.name }
}
