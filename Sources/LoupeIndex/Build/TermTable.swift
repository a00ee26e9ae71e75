/// An open-addressing hash table from byte strings to dense ids (0, 1, 2, … in insertion order).
/// Keys live back to back in one arena, so interning a word costs no allocation; this is the
/// inverter's hot path (one lookup per token).
public struct TermTable {
    private var arena: [UInt8] = []
    private var keyStart: [UInt32] = [0]
    private var hashes: [UInt32] = []
    private var slots: [Int32]
    private var mask: Int

    public init(capacity: Int = 1 << 14) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        arena.reserveCapacity(capacity * 8)
    }

    public var count: Int { keyStart.count - 1 }

    /// Bytes held by the table (for the builder's memory budget).
    public var memoryUsage: Int { arena.capacity + keyStart.capacity * 4 + hashes.capacity * 4 + slots.count * 4 }

    /// The key of `id`.
    @inline(__always)
    public func withKey<R>(_ id: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let start = Int(keyStart[id]), end = Int(keyStart[id + 1])
        return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    public func key(_ id: Int) -> [UInt8] { withKey(id) { Array($0) } }

    /// The id of `key`, or nil.
    public func find(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = Self.hash(key)
        var slot = Int(h) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return nil }
            if hashes[Int(id)] == h && equals(Int(id), key) { return Int(id) }
            slot = (slot + 1) & mask
        }
    }

    /// The id of `key`, inserting it if new. `inserted` tells which.
    @inline(__always)
    public mutating func intern(_ key: UnsafeBufferPointer<UInt8>, inserted: inout Bool) -> Int {
        let h = Self.hash(key)
        var slot = Int(h) & mask
        while true {
            let id = slots[slot]
            if id < 0 { break }
            if hashes[Int(id)] == h && equals(Int(id), key) {
                inserted = false
                return Int(id)
            }
            slot = (slot + 1) & mask
        }
        let newID = count
        arena.append(contentsOf: key)
        keyStart.append(UInt32(arena.count))
        hashes.append(h)
        slots[slot] = Int32(newID)
        inserted = true
        if count * 2 > slots.count { grow() }
        return newID
    }

    @inline(__always)
    private func equals(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(keyStart[id]), end = Int(keyStart[id + 1])
        guard end - start == key.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            guard let kb = key.baseAddress, let ab = a.baseAddress else { return key.count == 0 }
            return memcmp(ab + start, kb, key.count) == 0
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for id in 0..<count {
            var slot = Int(hashes[id]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }

    /// A fast 32-bit hash of bytes (8 bytes a step, multiply-xorshift mixing).
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        guard let base = key.baseAddress else { return UInt32(truncatingIfNeeded: h) }
        var i = 0
        let n = key.count
        let raw = UnsafeRawPointer(base)
        while i + 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ v) &* 0xBF58_476D_1CE4_E5B9
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

#if canImport(Glibc)
import Glibc
#endif
