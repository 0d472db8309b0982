/// A growable table of plain-value rows whose owner checks for sharing once per operation
/// instead of on every write.
///
/// `Array` keeps value semantics by checking, on each mutating access, whether its buffer is
/// shared; in the scheduler's step loop that check (a runtime call) ran several times per
/// request per step. A `RowTable` writes through its buffer without checking. Its owner keeps
/// value semantics by calling ``makeUnique()`` at the start of every public mutating method,
/// before any write, so a copy of the owner gets its own buffer on its first mutation.
///
/// Rows are `BitwiseCopyable`, so the buffer needs no per-element initialisation or
/// destruction. Indices are checked against ``count``.
struct RowTable<Row: BitwiseCopyable>: @unchecked Sendable {
    // @unchecked: the buffer is only written by the owner of the single reference to it
    // (``makeUnique()`` copies a shared one first).
    private final class Buffer {
        let base: UnsafeMutablePointer<Row>
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            // Cache-line aligned, so that a 64-byte row is one line, not parts of two.
            base = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Row>.stride,
                                                    alignment: Swift.max(64, MemoryLayout<Row>.alignment))
                .bindMemory(to: Row.self, capacity: capacity)
        }

        deinit { base.deallocate() }

        /// A new buffer of `capacity` rows holding the first `count` rows of this one.
        func copy(count: Int, capacity: Int) -> Buffer {
            let new = Buffer(capacity: capacity)
            new.base.update(from: base, count: count)
            return new
        }
    }

    private var buffer: Buffer
    /// Rows in use.
    private(set) var count = 0

    init(capacity: Int = 16) {
        buffer = Buffer(capacity: max(capacity, 1))
    }

    /// Gives this table its own buffer if a copy shares it. Call before writing.
    @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&buffer) {
            buffer = buffer.copy(count: count, capacity: buffer.capacity)
        }
    }

    /// Appends a row (the table must be unique: ``makeUnique()``).
    mutating func append(_ row: Row) {
        if count == buffer.capacity { buffer = buffer.copy(count: count, capacity: 2 * buffer.capacity) }
        (buffer.base + count).initialize(to: row)
        count += 1
    }

    /// Drops every row, keeping the buffer.
    mutating func removeAll() { count = 0 }

    /// Removes the row at `index`, shifting later rows down (the table must be unique).
    mutating func remove(at index: Int) {
        precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "RowTable index out of range")
        (buffer.base + index).update(from: buffer.base + index + 1, count: count - index - 1)
        count -= 1
    }

    /// Replaces the contents of `array` with `transform` of every row, in one pass and without
    /// a uniqueness check per element (`array`'s capacity is reused).
    func map<T>(into array: inout [T], filler: T, _ transform: (Row) -> T) {
        array.removeAll(keepingCapacity: true)
        array.append(contentsOf: repeatElement(filler, count: count))
        let rows = UnsafeBufferPointer(start: buffer.base, count: count)
        array.withUnsafeMutableBufferPointer { out in
            for i in 0..<rows.count { out[i] = transform(rows[i]) }
        }
    }

    /// The first row, for loops that check their indices against ``count`` themselves. Valid
    /// until the next append (the table must be unique to write through it).
    var unsafeRows: UnsafeMutablePointer<Row> {
        @inline(__always) get { buffer.base }
    }

    /// The row at `index`; writes go straight to the buffer (the table must be unique).
    subscript(index: Int) -> Row {
        @inline(__always) unsafeAddress {
            precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "RowTable index out of range")
            return UnsafePointer(buffer.base + index)
        }
        @inline(__always) nonmutating unsafeMutableAddress {
            precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "RowTable index out of range")
            return buffer.base + index
        }
    }
}
