// libFuzzer target: the trace line parser (TraceLineParser + JSONScanner), one call per input
// line, exactly as TraceReader feeds it. Built by tools/fuzz.sh together with those sources.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTraceLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let all = UnsafeBufferPointer(start: data, count: size)
    var line = TraceLine()
    var start = 0
    while start <= size {
        var end = start
        while end < size && all[end] != 0x0A { end += 1 }
        let bytes = UnsafeBufferPointer(rebasing: all[start..<end])
        do {
            try TraceLineParser.parse(bytes, into: &line)
            // What TraceReader does with a parsed line: no value may escape the documented ranges.
            precondition(line.arrivalTime.isFinite && line.arrivalTime >= 0)
            precondition(line.promptTokens >= 1 && line.promptTokens <= Int(Int32.max))
            precondition(line.outputTokens >= 1 && line.outputTokens <= Int(Int32.max))
            precondition(line.priority >= Int(Int32.min) && line.priority <= Int(Int32.max))
            precondition(line.requestID.map { !$0.isEmpty } ?? true)
            precondition(line.turn.map { $0 >= 0 && $0 <= Int(Int32.max) } ?? true)
            precondition(line.turn == nil || line.sessionKey != nil)
        } catch {
            precondition(!error.message.isEmpty)
        }
        start = end + 1
    }
    return 0
}
