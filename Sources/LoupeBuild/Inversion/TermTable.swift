import LoupeAnalysis
import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage

/// An open-addressing hash table from byte strings to dense ids (0, 1, 2, … in insertion order).
/// Keys live back to back in one arena, so interning a word costs no allocation; this is the
/// inverter's hot path (one lookup per token), hence the manual memory: no reference counting,
/// no uniqueness checks, no bounds checks in the probe loop.
///
/// A key is an optional one-byte prefix followed by bytes (`intern(prefix:_:)`), so callers can
/// qualify a word (by language, say) without copying it into a scratch buffer first.
public final class TermTable {
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCapacity: Int
    private var arenaUsed = 0
    private var keyStart: UnsafeMutablePointer<UInt32>
    private var idCapacity: Int
    /// A slot holds a key's hash beside its id, so a probe past another key costs no key read.
    private struct Slot {
        var hash: UInt32
        var id: Int32  // -1: empty
    }
    private var slots: UnsafeMutablePointer<Slot>
    private var slotCount: Int
    public private(set) var count = 0

    public init(capacity: Int = 1 << 14) {
        idCapacity = max(16, capacity)
        slotCount = 16
        while slotCount < idCapacity * 2 { slotCount <<= 1 }
        arenaCapacity = idCapacity * 12
        arena = .allocate(capacity: arenaCapacity)
        keyStart = .allocate(capacity: idCapacity + 1)
        keyStart[0] = 0
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: Slot(hash: 0, id: -1), count: slotCount)
    }

    deinit {
        arena.deallocate()
        keyStart.deallocate()
        slots.deallocate()
    }

    /// Bytes held by the table (for the builder's memory budget).
    public var memoryUsage: Int { arenaCapacity + idCapacity * 4 + slotCount * 8 }

    /// The key of `id` (prefix byte included, when one was given).
    @inline(__always)
    public func withKey<R>(_ id: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let start = Int(keyStart[id]), end = Int(keyStart[id + 1])
        return body(UnsafeBufferPointer(start: arena + start, count: end - start))
    }

    public func key(_ id: Int) -> [UInt8] { withKey(id) { Array($0) } }

    /// The id of `key`, or nil.
    public func find(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = Self.hash(prefix: nil, key)
        var slot = Int(h) & (slotCount - 1)
        while true {
            let entry = slots[slot]
            if entry.id < 0 { return nil }
            if entry.hash == h && equals(Int(entry.id), prefix: nil, key) { return Int(entry.id) }
            slot = (slot + 1) & (slotCount - 1)
        }
    }

    /// The id of `key`, inserting it if new. `inserted` tells which.
    @inline(__always)
    public func intern(_ key: UnsafeBufferPointer<UInt8>, inserted: inout Bool) -> Int {
        intern(prefix: nil, key, inserted: &inserted)
    }

    /// The id of `prefix` + `key`, inserting it if new.
    @inline(__always)
    public func intern(prefix: UInt8?, _ key: UnsafeBufferPointer<UInt8>, inserted: inout Bool) -> Int {
        let h = Self.hash(prefix: prefix, key)
        let mask = slotCount - 1
        var slot = Int(h) & mask
        while true {
            let entry = slots[slot]
            if entry.id < 0 { break }
            if entry.hash == h && equals(Int(entry.id), prefix: prefix, key) {
                inserted = false
                return Int(entry.id)
            }
            slot = (slot + 1) & mask
        }
        let newID = count
        let length = key.count + (prefix == nil ? 0 : 1)
        if newID == idCapacity { growIDs() }
        if arenaUsed + length > arenaCapacity { growArena(length) }
        var at = arenaUsed
        if let prefix {
            arena[at] = prefix
            at += 1
        }
        if let base = key.baseAddress { (arena + at).update(from: base, count: key.count) }
        arenaUsed += length
        keyStart[newID + 1] = UInt32(arenaUsed)
        slots[slot] = Slot(hash: h, id: Int32(newID))
        count += 1
        inserted = true
        if count * 2 > slotCount { growSlots() }
        return newID
    }

    @inline(__always)
    private func equals(_ id: Int, prefix: UInt8?, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = Int(keyStart[id])
        let end = Int(keyStart[id + 1])
        if let prefix {
            guard end - start == key.count + 1, arena[start] == prefix else { return false }
            start += 1
        } else {
            guard end - start == key.count else { return false }
        }
        guard let kb = key.baseAddress else { return true }
        return bytesEqual(UnsafeRawPointer(arena + start), UnsafeRawPointer(kb), key.count)
    }

    private func growIDs() {
        let bigger = idCapacity * 2
        let newStarts = UnsafeMutablePointer<UInt32>.allocate(capacity: bigger + 1)
        newStarts.update(from: keyStart, count: count + 1)
        keyStart.deallocate()
        keyStart = newStarts
        idCapacity = bigger
    }

    private func growArena(_ needed: Int) {
        var bigger = arenaCapacity * 2
        while bigger < arenaUsed + needed { bigger *= 2 }
        let newArena = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        newArena.update(from: arena, count: arenaUsed)
        arena.deallocate()
        arena = newArena
        arenaCapacity = bigger
    }

    private func growSlots() {
        let old = slots, oldCount = slotCount
        slotCount *= 2
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: Slot(hash: 0, id: -1), count: slotCount)
        let mask = slotCount - 1
        for i in 0..<oldCount where old[i].id >= 0 {
            var slot = Int(old[i].hash) & mask
            while slots[slot].id >= 0 { slot = (slot + 1) & mask }
            slots[slot] = old[i]
        }
        old.deallocate()
    }

    /// A fast 32-bit hash of an optional prefix byte and bytes (8 bytes a step, multiply-xorshift).
    @inline(__always)
    static func hash(prefix: UInt8?, _ key: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count + (prefix == nil ? 0 : 1))
        if let prefix { h = (h ^ (UInt64(prefix) | 0x100)) &* 0xBF58_476D_1CE4_E5B9 }
        guard let base = key.baseAddress else { return UInt32(truncatingIfNeeded: h ^ (h >> 32)) }
        let raw = UnsafeRawPointer(base)
        let n = key.count
        var i = 0
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < n {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                v |= UInt64(base[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ v) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        return UInt32(truncatingIfNeeded: h)
    }
}

/// Equality of `count` bytes at two addresses, 8 bytes a step (short keys: no call to memcmp).
@inline(__always)
func bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    var i = 0
    while i + 8 <= count {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i += 8
    }
    while i < count {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}
