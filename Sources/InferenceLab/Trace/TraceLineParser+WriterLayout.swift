// Speed only: reads TraceWriter's own layout without the general parser's key matching;
// gives exactly parseGeneral's result or defers to it (TraceLineFastPathTests checks both).
extension TraceLineParser {
    /// The layout ``TraceWriter`` writes: the three required keys in order, then
    /// `request_id` (without escapes), `priority`, `session_id` (an integer, or a string without
    /// escapes), `turn` and `prefix_hashes` when present, no spaces.
    /// Returns false at the first byte that differs, or for any value the general parser
    /// would refuse; the caller then parses the line again with ``parseGeneral(_:into:)``, so
    /// a line read here gets exactly the fields that one would give it, and every error
    /// message comes from there.
    @inline(__always)
    static func parseWriterLayout(_ bytes: UnsafeBufferPointer<UInt8>, into line: inout TraceLine) -> Bool {
        var s = JSONScanner(bytes)
        guard s.takeLiteral(#"{"arrival_time":"#), let t = try? s.readNumber(), t.isFinite, t >= 0,
              s.takeLiteral(#","prompt_tokens":"#), let prompt = try? s.readInt(), prompt >= 1, prompt <= Int(Int32.max),
              s.takeLiteral(#","output_tokens":"#), let output = try? s.readInt(), output >= 1, output <= Int(Int32.max)
        else { return false }
        line.requestID = nil
        line.priority = 0
        line.sessionKey = nil
        line.turn = nil
        if !line.prefixHashes.isEmpty { line.prefixHashes.removeAll(keepingCapacity: true) }
        if s.takeLiteral(#","request_id":""#) {
            s.index -= 1
            guard let span = try? s.readPlainString(), !span.isEmpty,
                  bytes[span].allSatisfy({ $0 < 0x80 }) else { return false }
            line.requestID = s.text(span)
        }
        if s.takeLiteral(#","priority":"#) {
            guard let p = try? s.readInt(), p >= Int(Int32.min), p <= Int(Int32.max) else { return false }
            line.priority = p
        }
        if s.takeLiteral(#","session_id":"#) {
            if s.current == UInt8(ascii: "\"") {
                guard let span = try? s.readPlainString(), !span.isEmpty,
                      bytes[span].allSatisfy({ $0 < 0x80 }) else { return false }
                line.sessionKey = SessionKey.of(utf8: bytes[span])
            } else {
                guard s.current &- 0x30 < 10, let n = try? s.readInt(), n >= 0 else { return false }
                line.sessionKey = SessionKey.of(integer: n)
            }
        }
        if s.takeLiteral(#","turn":"#) {
            guard line.sessionKey != nil, s.current &- 0x30 < 10, let n = try? s.readInt(),
                  n <= Int(Int32.max) else { return false }
            line.turn = n
        }
        if s.takeLiteral(#","prefix_hashes":["#) {
            if s.current == UInt8(ascii: "]") {
                s.index += 1
            } else {
                while true {
                    guard s.current &- 0x30 < 10, let h = try? s.readUInt64() else { return false }
                    line.prefixHashes.append(h)
                    let c = s.current
                    s.index += 1
                    if c == UInt8(ascii: "]") { break }
                    guard c == UInt8(ascii: ",") else { return false }
                }
            }
        }
        guard s.current == UInt8(ascii: "}"), s.index + 1 == bytes.count else { return false }
        line.arrivalTime = t
        line.promptTokens = prompt
        line.outputTokens = output
        return true
    }
}
