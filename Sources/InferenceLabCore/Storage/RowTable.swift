// Speed only: a row table whose writes skip `Array`'s per-access uniqueness check (a runtime
// call that ran several times per request per step); the check runs once per operation.

/// A growable table of plain-value rows with value semantics and one uniqueness check per
/// operation instead of one per write.
///
/// `Array` keeps value semantics by checking, on each mutating access, whether its buffer is
/// shared. A `RowTable` is read through its subscript like an array, but its rows can only be
/// written through ``MutableRows``, which ``mutableRows()`` hands out after giving the table
/// its own buffer (a copy of the owner that shared it keeps the old one). `append`,
/// `remove(at:)` and `removeAll()` make the table unique themselves. So there is no way to write
/// to a shared buffer, and no uniqueness call for an owner to forget.
///
/// Rows are `BitwiseCopyable`, so the buffer needs no per-element initialisation or
/// destruction. Indices are checked against ``count``.
struct RowTable<Row: BitwiseCopyable>: @unchecked Sendable {
    // @unchecked: the buffer is only written through a `MutableRows` obtained after
    // `makeUnique()`, i.e. by the owner of the single reference to it.
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

    /// Gives this table its own buffer if a copy shares it.
    @inline(__always)
    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&buffer) {
            buffer = buffer.copy(count: count, capacity: buffer.capacity)
        }
    }

    /// Write access to the rows, after making the table unique. The view is valid until the
    /// table's next `append` or copy; take a new one in each mutating operation of the owner
    /// instead of storing it.
    @inline(__always)
    mutating func mutableRows() -> MutableRows {
        makeUnique()
        return MutableRows(base: buffer.base, count: count)
    }

    /// Writes to the rows of a table that has been made unique (``RowTable/mutableRows()``).
    struct MutableRows {
        fileprivate let base: UnsafeMutablePointer<Row>
        let count: Int

        /// The row at `index`.
        subscript(index: Int) -> Row {
            @inline(__always) unsafeAddress {
                precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "RowTable index out of range")
                return UnsafePointer(base + index)
            }
            @inline(__always) nonmutating unsafeMutableAddress {
                precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "RowTable index out of range")
                return base + index
            }
        }
    }

    /// Appends a row.
    @inline(__always)
    mutating func append(_ row: Row) {
        if count == buffer.capacity {
            buffer = buffer.copy(count: count, capacity: 2 * buffer.capacity)
        } else {
            makeUnique()
        }
        (buffer.base + count).initialize(to: row)
        count += 1
    }

    /// Drops every row, keeping the buffer (or, if shared, its capacity).
    mutating func removeAll() {
        if !isKnownUniquelyReferenced(&buffer) { buffer = Buffer(capacity: buffer.capacity) }
        count = 0
    }

    /// Removes the row at `index`, shifting later rows down.
    mutating func remove(at index: Int) {
        precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "RowTable index out of range")
        makeUnique()
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

    /// The row at `index` (read only: writes go through ``mutableRows()``).
    subscript(index: Int) -> Row {
        @inline(__always) unsafeAddress {
            precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "RowTable index out of range")
            return UnsafePointer(buffer.base + index)
        }
    }
}
