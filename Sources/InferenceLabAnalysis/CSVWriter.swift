/// Writes CSV rows to an ``OutputFile`` through one reusable buffer (RFC 4180 quoting).
final class CSVWriter {
    private let output: OutputFile
    private var buffer = ByteBuffer(capacity: 1 << 18)
    private var firstCell = true

    init(output: OutputFile, header: [String]) throws(OutputError) {
        self.output = output
        for h in header { text(h) }
        try endRow()
    }

    var name: String { output.name }

    func text(_ s: String) {
        separator()
        if s.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
            buffer.append(UInt8(ascii: "\""))
            for b in s.utf8 {
                if b == UInt8(ascii: "\"") { buffer.append(b) }
                buffer.append(b)
            }
            buffer.append(UInt8(ascii: "\""))
        } else {
            var copy = s
            copy.withUTF8 { buffer.append(contentsOf: $0) }
        }
    }

    func int(_ v: Int) {
        separator()
        buffer.append(v)
    }

    /// A number in its shortest round-trip form; an empty cell for NaN.
    func number(_ v: Double) {
        separator()
        guard !v.isNaN else { return }
        if v == v.rounded(), abs(v) < 1e15 { buffer.append(Int(v)) } else { buffer.append(v) }
    }

    func empty() { separator() }

    private func separator() {
        if !firstCell { buffer.append(UInt8(ascii: ",")) }
        firstCell = false
    }

    func endRow() throws(OutputError) {
        buffer.append(UInt8(ascii: "\n"))
        firstCell = true
        if buffer.count >= 1 << 17 { try flush() }
    }

    private func flush() throws(OutputError) {
        guard !buffer.isEmpty else { return }
        try output.write(buffer)
        buffer.removeAll()
    }

    /// Writes what is left and renames the file into place.
    func commit() throws(OutputError) {
        try flush()
        try output.commit()
    }

    func abort() { output.abort() }
}
