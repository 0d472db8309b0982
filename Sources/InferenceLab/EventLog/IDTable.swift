/// Bytes by slot: request ids, kept by the event-log writer as the JSON text it writes for
/// them (quoted and escaped), and by the decoder's ``RequestIDIndex`` as they appear in the log.
///
/// Each slot has a 32-byte cell in one flat array: a length byte, then up to 31 bytes of id,
/// so writing an id is a short copy with no per-id array to retain or check. Longer ids live
/// in a side table (length byte 255). A slot never given an id writes `null` (a simulator bug,
/// but the log stays valid JSON).
struct IDTable {
    private static let cell = 32
    private static let inlineCapacity = cell - 1
    private static let longMarker: UInt8 = 255

    private var cells: [UInt8] = []
    private var long: [RequestSlot: [UInt8]] = [:]

    /// Stores `text` as the id of `slot` (slot ≥ 0).
    mutating func set(_ slot: RequestSlot, _ text: UnsafeBufferPointer<UInt8>) {
        let base = Int(slot) * Self.cell
        if cells.count < base + Self.cell {
            cells.append(contentsOf: repeatElement(0, count: base + Self.cell - cells.count))
        }
        if cells[base] == Self.longMarker { long[slot] = nil }
        if text.count <= Self.inlineCapacity {
            cells.withUnsafeMutableBufferPointer { c in
                c[base] = UInt8(text.count)
                for i in 0..<text.count { c[base + 1 + i] = text[i] }
            }
        } else {
            cells[base] = Self.longMarker
            long[slot] = Array(text)
        }
    }

    /// Whether the bytes stored for `slot` (≥ 0, given some) are `text`.
    func matches(_ slot: RequestSlot, _ text: UnsafeRawBufferPointer) -> Bool {
        let base = Int(slot) * Self.cell
        guard slot >= 0, base < cells.count else { return false }
        return cells.withUnsafeBufferPointer { c in
            let n = c[base]
            if n == Self.longMarker {
                guard let stored = long[slot], stored.count == text.count else { return false }
                return stored.withUnsafeBytes { $0.elementsEqual(text) }
            }
            guard Int(n) == text.count else { return false }
            return text.count == 0 || memcmp(c.baseAddress! + base + 1, text.baseAddress!, text.count) == 0
        }
    }

    /// Bytes that ``write(_:to:)`` writes for `slot`.
    func maxLength(_ slot: RequestSlot) -> Int {
        withReader { $0.length(slot) }
    }

    /// Writes the id of `slot` (or `null`) at `out`; returns the bytes written.
    func write(_ slot: RequestSlot, to out: UnsafeMutablePointer<UInt8>) -> Int {
        withReader { $0.write(slot, to: out) }
    }

    /// Calls `body` with a reader over the table (one access for a whole batch of ids).
    func withReader<R>(_ body: (Reader) -> R) -> R {
        cells.withUnsafeBufferPointer { body(Reader(cells: $0, long: long)) }
    }

    /// Reads ids without touching the table's arrays per id.
    struct Reader {
        let cells: UnsafeBufferPointer<UInt8>
        let long: [RequestSlot: [UInt8]]

        @inline(__always)
        private func header(_ slot: RequestSlot) -> UInt8 {
            let base = Int(slot) * IDTable.cell
            return slot >= 0 && base < cells.count ? cells[base] : 0
        }

        /// Bytes that ``write(_:to:)`` writes for `slot`.
        @inline(__always)
        func length(_ slot: RequestSlot) -> Int {
            let n = header(slot)
            if n == IDTable.longMarker { return long[slot]?.count ?? 4 }
            return n == 0 ? 4 : Int(n)
        }

        /// Writes the id of `slot` (or `null`) at `out`; returns the bytes written.
        @inline(__always)
        func write(_ slot: RequestSlot, to out: UnsafeMutablePointer<UInt8>) -> Int {
            let n = header(slot)
            if n == IDTable.longMarker, let text = long[slot] {
                text.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) }
                return text.count
            }
            guard n > 0 && n != IDTable.longMarker else {
                let null: StaticString = "null"
                out.update(from: null.utf8Start, count: 4)
                return 4
            }
            out.update(from: cells.baseAddress! + Int(slot) * IDTable.cell + 1, count: Int(n))
            return Int(n)
        }
    }
}
