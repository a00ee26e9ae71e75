/// The inverter's per-token lookup: raw word bytes (qualified by one byte of language and name
/// flag) → term id. Each slot holds the hash, the value and the key's place in the arena, so a hit
/// costs one slot read and one key comparison — two cache misses at most, where a general table
/// would take four or five. Entries are never removed.
final class WordCache {
    private struct Slot {
        var hash: UInt32
        var value: Int32
        var keyOffset: UInt32
        var keyLength: UInt16
        var prefix: UInt8
        var used: UInt8
    }

    private var slots: UnsafeMutablePointer<Slot>
    private var slotCount: Int
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCapacity: Int
    private var arenaUsed = 0
    private(set) var count = 0

    init(capacity: Int = 1 << 16) {
        slotCount = 16
        while slotCount < capacity * 2 { slotCount <<= 1 }
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: Slot(hash: 0, value: 0, keyOffset: 0, keyLength: 0, prefix: 0, used: 0), count: slotCount)
        arenaCapacity = capacity * 10
        arena = .allocate(capacity: arenaCapacity)
    }

    deinit {
        slots.deallocate()
        arena.deallocate()
    }

    var memoryUsage: Int { slotCount * MemoryLayout<Slot>.stride + arenaCapacity }

    /// The value stored for `prefix` + `key`, or nil. `key` must be shorter than 65,536 bytes.
    @inline(__always)
    func find(prefix: UInt8, _ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let h = TermTable.hash(prefix: prefix, key)
        let mask = slotCount - 1
        var i = Int(h) & mask
        while true {
            let slot = slots[i]
            if slot.used == 0 { return nil }
            if slot.hash == h && slot.prefix == prefix && Int(slot.keyLength) == key.count && equal(Int(slot.keyOffset), key) {
                return slot.value
            }
            i = (i + 1) & mask
        }
    }

    /// Stores `value` for a key that `find` just reported missing.
    func insert(prefix: UInt8, _ key: UnsafeBufferPointer<UInt8>, value: Int32) {
        if arenaUsed + key.count > arenaCapacity {
            var bigger = arenaCapacity * 2
            while bigger < arenaUsed + key.count { bigger *= 2 }
            let newArena = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
            newArena.update(from: arena, count: arenaUsed)
            arena.deallocate()
            arena = newArena
            arenaCapacity = bigger
        }
        if let base = key.baseAddress { (arena + arenaUsed).update(from: base, count: key.count) }
        let h = TermTable.hash(prefix: prefix, key)
        place(Slot(hash: h, value: value, keyOffset: UInt32(arenaUsed), keyLength: UInt16(key.count), prefix: prefix, used: 1))
        arenaUsed += key.count
        count += 1
        if count * 2 > slotCount { grow() }
    }

    private func place(_ slot: Slot) {
        let mask = slotCount - 1
        var i = Int(slot.hash) & mask
        while slots[i].used != 0 { i = (i + 1) & mask }
        slots[i] = slot
    }

    private func grow() {
        let old = slots, oldCount = slotCount
        slotCount *= 2
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: Slot(hash: 0, value: 0, keyOffset: 0, keyLength: 0, prefix: 0, used: 0), count: slotCount)
        for i in 0..<oldCount where old[i].used != 0 { place(old[i]) }
        old.deallocate()
    }

    @inline(__always)
    private func equal(_ offset: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let kb = key.baseAddress else { return true }
        return bytesEqual(UnsafeRawPointer(arena + offset), UnsafeRawPointer(kb), key.count)
    }
}
