import Testing
@testable import InferenceLab

/// The event-log decoder's byte-keyed id index against a `Dictionary` doing the same work.
@Suite struct RequestIDIndexTests {
    func bytes<R>(_ id: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var id = id
        return id.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    @Test("insert, look up and remove like a dictionary (numeric, named, long and odd ids)")
    func matchesDictionary() {
        var index = RequestIDIndex()
        var model: [String: RequestSlot] = [:]
        var freeSlots: [RequestSlot] = []
        var nextSlot: RequestSlot = 0
        var state: UInt64 = 42
        func next(_ n: UInt64) -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (state >> 33) % n
        }
        // Numeric ids (the array), leading zeros and large numbers (the table), names, long ids
        // (the side table), the empty id.
        func randomID() -> String {
            let n = next(3000)
            switch next(7) {
            case 0: return "0\(n)"
            case 1: return "\(n + 5_000_000)"
            case 2: return "req-\(n)"
            case 3: return "a-request-id-longer-than-twenty-three-bytes-\(n)"
            case 4: return n == 0 ? "" : "x\(n)"
            default: return "\(n)"
            }
        }
        for _ in 0..<60_000 {
            let id = randomID()
            if let slot = model[id] {
                #expect(bytes(id) { index.slot(of: $0) } == slot)
                if next(2) == 0 {
                    #expect(bytes(id) { index.remove($0) } == slot)
                    #expect(bytes(id) { index.idOf(slot, equals: $0) }, "the bytes stay with the slot")
                    model[id] = nil
                    freeSlots.append(slot)
                }
            } else {
                #expect(bytes(id) { index.slot(of: $0) } == nil)
                #expect(bytes(id) { index.remove($0) } == nil)
                let slot = freeSlots.popLast() ?? { defer { nextSlot += 1 }; return nextSlot }()
                bytes(id) { index.insert($0, slot: slot) }
                model[id] = slot
            }
            #expect(index.count == model.count)
        }
        for (id, slot) in model {
            #expect(bytes(id) { index.slot(of: $0) } == slot)
            #expect(bytes(id) { index.idOf(slot, equals: $0) })
        }
    }

    @Test("numeric ids: canonical decimals below 2^22 only")
    func numericIDs() {
        #expect(bytes("0") { RequestIDIndex.numericValue($0) } == 0)
        #expect(bytes("4194303") { RequestIDIndex.numericValue($0) } == 4_194_303)
        #expect(bytes("4194304") { RequestIDIndex.numericValue($0) } == nil)
        #expect(bytes("007") { RequestIDIndex.numericValue($0) } == nil)
        #expect(bytes("") { RequestIDIndex.numericValue($0) } == nil)
        #expect(bytes("12a") { RequestIDIndex.numericValue($0) } == nil)
        #expect(bytes("-1") { RequestIDIndex.numericValue($0) } == nil)
    }
}
