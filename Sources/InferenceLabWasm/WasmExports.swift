import InferenceLabCore

// The module's C-level entry points, exported from the WebAssembly build
// (tools/wasm/build.sh passes `--export=NAME` for every `@_cdecl("il_…")` in this file).
// They also compile natively, where the tests call them.
//
// Protocol (all numbers are i32 or f64; "bytes" means UTF-8):
//
//   il_scratch(n) -> ptr            a buffer of ≥ n bytes the caller writes a key (and value) into
//   il_config_reset()               forget every key
//   il_config_set_number(k, x)      key = scratch[0..<k], value = x           → 0, or 1 (il_text(0))
//   il_config_set_text(k, v)        key = scratch[0..<k], value = scratch[k..<k+v] → 0 or 1
//   il_run_start() -> 0 | 1         build and validate the config, start a run (1: il_text(0))
//   il_run_advance(n) -> 0 | 1      run ≤ n engine steps; 1 once the run has ended
//   il_info(kind) -> f64            progress and state (kinds below)
//   il_text(kind) -> len            writes a text into the output buffer (il_out())
//   il_array(kind) -> count         writes f64s into the output buffer (il_out())
//   il_out() -> ptr                 the output buffer (valid until the next il_text/il_array)

/// The state behind the entry points (the page runs one simulation at a time).
struct WasmState {
    var config = FlatConfig()
    var run: WebRun? = nil
    var error = ""
    var scratch = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    var out = UnsafeMutableRawBufferPointer(start: nil, count: 0)
}

nonisolated(unsafe) var wasmState: WasmState? = nil

@inline(__always)
private func withState<R>(_ body: (inout WasmState) -> R) -> R {
    if wasmState == nil { wasmState = WasmState() }
    return body(&wasmState!)
}

/// Makes `buffer` at least `bytes` long (8-byte aligned).
private func ensure(_ buffer: inout UnsafeMutableRawBufferPointer, _ bytes: Int) {
    guard buffer.count < bytes else { return }
    if buffer.baseAddress != nil { buffer.deallocate() }
    var size = 256
    while size < bytes { size *= 2 }
    buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
}

/// The version of this protocol (bumped on any change the page must know about).
@_cdecl("il_api_version")
public func il_api_version() -> Int32 { 1 }

@_cdecl("il_scratch")
public func il_scratch(_ bytes: Int32) -> UnsafeMutableRawPointer? {
    withState { s in
        ensure(&s.scratch, max(Int(bytes), 1))
        return s.scratch.baseAddress
    }
}

@_cdecl("il_out")
public func il_out() -> UnsafeMutableRawPointer? {
    withState { s in s.out.baseAddress }
}

@_cdecl("il_config_reset")
public func il_config_reset() {
    withState { s in
        s.config.removeAll()
        s.run = nil
        s.error = ""
    }
}

private func scratchString(_ s: WasmState, from: Int, count: Int) -> String {
    guard count > 0, let base = s.scratch.baseAddress, from + count <= s.scratch.count else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: base + from, count: count), as: UTF8.self)
}

@_cdecl("il_config_set_number")
public func il_config_set_number(_ keyLength: Int32, _ value: Double) -> Int32 {
    withState { s in setConfig(&s, scratchString(s, from: 0, count: Int(keyLength)), .number(value)) }
}

@_cdecl("il_config_set_text")
public func il_config_set_text(_ keyLength: Int32, _ valueLength: Int32) -> Int32 {
    withState { s in
        let key = scratchString(s, from: 0, count: Int(keyLength))
        return setConfig(&s, key, .text(scratchString(s, from: Int(keyLength), count: Int(valueLength))))
    }
}

/// Sets one flat key of the config: 0, or 1 with the error kept for `il_text(0)`.
private func setConfig(_ s: inout WasmState, _ key: String, _ value: FlatConfig.Value) -> Int32 {
    do throws(ConfigIssue) {
        try s.config.set(key, value)
        return 0
    } catch {
        s.error = error.description
        return 1
    }
}

@_cdecl("il_run_start")
public func il_run_start() -> Int32 {
    withState { s in
        s.run = nil
        do throws(ConfigIssue) {
            let config = try s.config.build()
            s.run = try WebRun(config: config)
            return 0
        } catch {
            s.error = error.description
            return 1
        }
    }
}

@_cdecl("il_run_advance")
public func il_run_advance(_ maxSteps: Int32) -> Int32 {
    withState { s in
        guard s.run != nil else { return 1 }
        return s.run!.advance(maxSteps: max(Int(maxSteps), 1)) ? 1 : 0
    }
}

/// 0 progress in [0, 1], 1 simulated time (s), 2 steps, 3 finished, 4 arrived, 5 running,
/// 6 waiting, 7 usable KV blocks, 8 KV bytes per token, 9 status (0 running, 1 complete,
/// 2 interrupted, 3 failed), 10 KV blocks in use, 11 rejected, 12 time-series bucket width (s).
@_cdecl("il_info")
public func il_info(_ kind: Int32) -> Double {
    withState { s in
        guard let run = s.run else { return -1 }
        let sim = run.simulator
        switch kind {
        case 0: return run.progress
        case 1: return sim.now
        case 2: return Double(sim.stepCount)
        case 3: return Double(sim.finishedCount)
        case 4: return Double(sim.arrivedCount)
        case 5: return Double(sim.scheduler.runningCount)
        case 6: return Double(sim.scheduler.waitingCount)
        case 7: return Double(run.config.usableKVBlocks)
        case 8: return run.config.kvBytesPerToken
        case 9:
            switch sim.status {
            case nil: return 0
            case .complete?: return 1
            case .interrupted?: return 2
            case .failed?: return 3
            }
        case 10: return Double(sim.scheduler.kvBlocksUsed)
        case 11: return Double(sim.rejectedCount)
        case 12: return run.series.width
        default: return -1
        }
    }
}

/// 0 the last error ("key: message"), 1 the summary JSON (as `inference-lab --json` prints
/// it), 2 the config's warnings (one per line), 3 the time-series column names (comma
/// separated), 4 the summary JSON on one line.
@_cdecl("il_text")
public func il_text(_ kind: Int32) -> Int32 {
    withState { s in
        var text = ""
        switch kind {
        case 0: text = s.error
        case 1: text = s.run?.summaryJSON() ?? ""
        case 2:
            for w in s.run?.warnings ?? [] { text += "warning: " + w.description + "\n" }
        case 3:
            for (i, n) in TimeSeriesSink.columnNames.enumerated() { text += (i > 0 ? "," : "") + n }
        case 4: text = s.run?.summaryJSON(pretty: false) ?? ""
        default: text = ""
        }
        let n = text.utf8.count
        ensure(&s.out, n + 1)
        var i = 0
        for b in text.utf8 { s.out[i] = b; i += 1 }
        s.out[n] = 0
        return Int32(n)
    }
}

/// 0…8 the time-series columns (``TimeSeriesSink/columnNames``), 10 TTFT samples (s),
/// 11 their first-token times, 12 TPOT samples (s), 13 E2E samples (s), 14 their finish
/// times, 15 prompt lengths, 16 output lengths (every arrival).
@_cdecl("il_array")
public func il_array(_ kind: Int32) -> Int32 {
    withState { s in
        guard let run = s.run else { return 0 }
        let values: [Double]
        switch kind {
        case 0..<Int32(TimeSeriesSink.columnNames.count): values = run.series.columns()[Int(kind)]
        case 10: values = run.metrics.ttftSamples
        case 11: values = run.series.firstTokenTimes
        case 12: values = run.metrics.tpotSamples
        case 13: values = run.metrics.e2eSamples
        case 14: values = run.series.finishTimes
        case 15: values = run.series.promptLengths
        case 16: values = run.series.outputLengths
        default: values = []
        }
        ensure(&s.out, values.count * 8 + 8)
        let p = s.out.baseAddress!.assumingMemoryBound(to: Double.self)
        for (i, v) in values.enumerated() { p[i] = v }
        return Int32(values.count)
    }
}
