/// The multi-turn conversations of `arrival_pattern = "sessions"` (driven by
/// ``SyntheticSource``).
///
/// Sessions are numbered 0, 1, 2, … in the order they start; a session's number is its
/// ``RequestSpec/sessionKey`` (see ``SessionKey``). Sessions start as an open-loop process at
/// `arrival_rate` per second: exponential gaps when `cv` = 1, else Gamma gaps with that `cv`.
/// Each session draws its number of turns T from `turns_per_session_dist`. Turn 0 is sent when
/// the session starts; turn k + 1 is sent `think_time_ms_dist` milliseconds after turn k
/// finished, at the time the client sees the finish (``RequestSource/requestCompleted(sessionKey:finished:at:)``).
///
/// Prompts carry the conversation: turn 0's prompt is P₀ from `input_len_dist`, and
/// Pₖ₊₁ = Pₖ + Oₖ + Nₖ₊₁, the previous prompt, the previous output Oₖ (`output_len_dist`) and
/// Nₖ₊₁ new user tokens (`turn_input_len_dist`). The conversation is one stream of tokens, cut
/// into hash blocks of `prefix_hash_block_size` (B) tokens; block j of session s has the hash
/// s·2³² + j, and a turn's ``RequestSpec/prefixHashes`` are the hashes of the blocks its
/// prompt touches, ⌈Pₖ/B⌉ of them. So turn k + 1 starts with exactly the hashes of turn k
/// and the prefix cache can serve every KV block that turn k's prompt filled. Turn k's output
/// blocks are not reused: the simulator treats output tokens as unique to their request.
///
/// A session ends after its last turn, or early when a turn is refused (rejected: too long
/// for the model or the KV cache; or abandoned by the simulator) or when the next prompt would
/// exceed 2³¹−1 tokens. The whole workload stops after `num_requests` requests (turns of
/// sessions still in progress are then not sent) and sends nothing after `duration_secs`.
///
/// Draw order (one ``Xoshiro256`` stream, shared with nothing else): the first session gap at
/// construction; when a session sends turn 0: T, P₀, O₀, then the next session gap; when turn
/// k finishes and the session goes on: the think time, Nₖ₊₁, Oₖ₊₁.
struct SessionWorkload {
    /// One conversation in progress.
    struct Conversation {
        /// Tokens of the conversation so far: the last turn's prompt and output (64-bit: two
        /// lengths of up to 2³¹−1 overflow a 32-bit `Int` on wasm32).
        var tokens: Int64 = 0
        /// The prompt of the next turn to send.
        var nextPrompt = 0
        /// The output of the next turn to send.
        var nextOutput = 0
        /// Hashes of the conversation's hash blocks, as far as the last prompt reaches.
        var hashes: [UInt64] = []
        /// Turns not sent yet.
        var turnsLeft = 0
        /// The index of the next turn to send.
        var nextTurn = 0
        /// Whether the session may still send turns.
        var live = true
    }

    let workload: WorkloadConfig
    let hashBlockSize: Int
    /// Prompts longer than this are refused whatever their hashes: no more hashes are made.
    let hashedTokenLimit: Int
    /// When the next session starts.
    private(set) var nextSessionStart: Double
    /// Sessions started so far.
    private(set) var started = 0
    /// Conversations from session `base` on (earlier ones have ended).
    private var conversations: [Conversation] = []
    private var base = 0
    /// Turns whose send time is known: ascending times, equal times in insertion order.
    private(set) var due: [(time: Double, session: Int)] = []
    /// Sessions with a turn in the system.
    private(set) var awaiting = 0

    init(_ workload: WorkloadConfig, hashBlockSize: Int, hashedTokenLimit: Int, rng: inout Xoshiro256) {
        self.workload = workload
        self.hashBlockSize = max(hashBlockSize, 1)
        self.hashedTokenLimit = hashedTokenLimit
        nextSessionStart = 0
        nextSessionStart = gap(&rng)
    }

    /// The next session's start gap: exponential for cv = 1, else Gamma with mean 1/rate.
    private func gap(_ rng: inout Xoshiro256) -> Double {
        if workload.cv == 1 { return rng.nextExponential(rate: workload.arrivalRate) }
        let shape = 1 / (workload.cv * workload.cv)
        return rng.nextGamma(shape: shape, scale: 1 / (workload.arrivalRate * shape))
    }

    /// When the next turn is sent: the earliest known turn, or the next session's start.
    var nextTime: Double {
        if let first = due.first, first.time <= nextSessionStart { return first.time }
        return nextSessionStart
    }

    /// Sends the next turn (at ``nextTime``), with request id `id`.
    mutating func next(id: String, rng: inout Xoshiro256) -> RequestSpec {
        let session: Int
        let time: Double
        if let first = due.first, first.time <= nextSessionStart {
            due.removeFirst()
            (time, session) = first
        } else {
            session = started
            time = nextSessionStart
            started += 1
            var c = Conversation()
            c.turnsLeft = workload.turnsPerSession.sample(using: &rng)
            c.nextPrompt = workload.inputLengths.sample(using: &rng)
            c.nextOutput = workload.outputLengths.sample(using: &rng)
            conversations.append(c)
            nextSessionStart = time + gap(&rng)
        }
        let i = session - base
        var c = conversations[i]
        conversations[i] = Conversation()  // keep `c.hashes` uniquely referenced
        let prompt = c.nextPrompt, output = c.nextOutput, turn = c.nextTurn
        extendHashes(&c.hashes, session: session, to: prompt)
        c.tokens = Int64(prompt) + Int64(output)
        c.turnsLeft -= 1
        c.nextTurn += 1
        let spec = RequestSpec(id: id, arrivalTime: time, promptTokens: prompt, outputTokens: output,
                               prefixHashes: c.hashes, sessionKey: UInt64(session), turn: turn)
        conversations[i] = c
        awaiting += 1
        return spec
    }

    /// Hashes for the hash blocks of the conversation's first `tokens` tokens (capped at
    /// ``hashedTokenLimit``).
    private func extendHashes(_ hashes: inout [UInt64], session: Int, to tokens: Int) {
        let blocks = (min(tokens, hashedTokenLimit) + hashBlockSize - 1) / hashBlockSize
        var j = hashes.count
        guard j < blocks else { return }
        hashes.reserveCapacity(blocks)
        while j < blocks {
            hashes.append(UInt64(truncatingIfNeeded: session) &<< 32 | UInt64(truncatingIfNeeded: j))
            j += 1
        }
    }

    /// A turn of `session` left the system at `t`: schedules the next turn, or ends the session.
    mutating func completed(session: Int, finished: Bool, at t: Double, rng: inout Xoshiro256) {
        let i = session - base
        guard i >= 0, i < conversations.count, conversations[i].live else { return }
        awaiting -= 1
        var c = conversations[i]
        conversations[i] = Conversation()
        var goesOn = finished && c.turnsLeft > 0
        if goesOn {
            let think = Double(workload.thinkTimeMs.sample(using: &rng)) / 1000
            let added = workload.turnInputLengths.sample(using: &rng)
            c.nextOutput = workload.outputLengths.sample(using: &rng)
            let prompt = c.tokens + Int64(added)
            if prompt > Int64(Int32.max) {
                goesOn = false
            } else {
                c.nextPrompt = Int(prompt)
                let time = t + think
                var k = due.count
                while k > 0 && due[k - 1].time > time { k -= 1 }
                due.insert((time, session), at: k)
            }
        }
        if goesOn {
            conversations[i] = c
        } else {
            conversations[i].live = false
            dropEndedSessions()
        }
    }

    /// Forgets ended sessions at the front (sessions end roughly in the order they start).
    private mutating func dropEndedSessions() {
        var n = 0
        while n < conversations.count && !conversations[n].live { n += 1 }
        guard n > 0, n >= 1024 || n == conversations.count else { return }
        conversations.removeFirst(n)
        base += n
    }
}
