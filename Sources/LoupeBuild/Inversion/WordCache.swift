import CSupport
import LoupeAnalysis
import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage

/// The inverter's per-token lookup: raw word bytes (qualified by one byte of language and name
/// flag) → term id. Each slot holds the hash, the value and the key's place in the arena, so a hit
/// costs one slot read and one key comparison — two cache misses at most, where a general table
/// would take four or five. Entries are never removed.
///
/// In front of it sits a small direct-mapped *hot* cache (192 KiB, so it stays in the core's L2)
/// holding keys of up to 16 bytes inline: a frequent word is found there with one load and no
/// arena read. A word found in the main table replaces whatever shared its hot entry.
final class WordCache {
    private struct Slot {
        var hash: UInt32
        var value: Int32
        var keyOffset: UInt32
        var keyLength: UInt16
        var prefix: UInt8
        var used: UInt8
    }

    /// A key of 1–16 bytes as two words (`shortKey`), with its value.
    private struct HotEntry {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var value: Int32 = 0
        var length: UInt16 = 0  // 0: empty
        var prefix: UInt8 = 0
    }

    private static let hotBits = 13
    private let hot: UnsafeMutablePointer<HotEntry>

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
        hot = .allocate(capacity: 1 << Self.hotBits)
        hot.initialize(repeating: HotEntry(), count: 1 << Self.hotBits)
    }

    deinit {
        slots.deallocate()
        arena.deallocate()
        hot.deallocate()
    }

    var memoryUsage: Int { slotCount * MemoryLayout<Slot>.stride + arenaCapacity + (MemoryLayout<HotEntry>.stride << Self.hotBits) }

    /// A key of 1–16 bytes as two words read with overlapping loads; together with the length
    /// they determine the bytes, so comparing words (and length) compares keys.
    @inline(__always)
    private static func shortKey(_ key: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        let n = key.count
        guard let base = key.baseAddress else { return (0, 0) }
        let raw = UnsafeRawPointer(base)
        if n >= 8 {
            return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        }
        if n >= 4 {
            let low = UInt64(raw.loadUnaligned(as: UInt32.self)), high = UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            return (low | high << 32, 0)
        }
        return (UInt64(base[0]) | UInt64(base[n >> 1]) << 8 | UInt64(base[n - 1]) << 16, 0)
    }

    @inline(__always)
    private static func shortHash(_ w0: UInt64, _ w1: UInt64, length: Int, prefix: UInt8) -> UInt32 {
        var h = (w0 ^ 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9
        h ^= (w1 ^ UInt64(length) << 8 ^ UInt64(prefix)) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        return UInt32(truncatingIfNeeded: h)
    }

    @inline(__always)
    private static func hotIndex(_ h: UInt32) -> Int { Int(h >> UInt32(32 - hotBits)) }

    /// What a lookup of one key computes before touching the tables: its hash and, for a key of
    /// 1–16 bytes, its two words. Computed ahead, it lets the caller prefetch (`prefetch`).
    struct Probe {
        var w0: UInt64
        var w1: UInt64
        var hash: UInt32
    }

    @inline(__always)
    static func probe(prefix: UInt8, _ key: UnsafeBufferPointer<UInt8>) -> Probe {
        let n = key.count
        guard n <= 16, n > 0 else { return Probe(w0: 0, w1: 0, hash: TermTable.hash(prefix: prefix, key)) }
        let (w0, w1) = shortKey(key)
        return Probe(w0: w0, w1: w1, hash: shortHash(w0, w1, length: n, prefix: prefix))
    }

    /// Starts fetching the hot entry and the first table slot a lookup of `probe` reads.
    @inline(__always)
    func prefetch(_ probe: Probe) {
        csupport_prefetch(hot + Self.hotIndex(probe.hash))
        csupport_prefetch(slots + (Int(probe.hash) & (slotCount - 1)))
    }

    /// The value stored for `prefix` + `key` (whose probe is `probe`), or nil. `key` must be
    /// shorter than 65,536 bytes.
    @inline(__always)
    func find(prefix: UInt8, _ key: UnsafeBufferPointer<UInt8>, _ probe: Probe) -> Int32? {
        let n = key.count
        let h = probe.hash
        guard n <= 16, n > 0 else { return findInTable(h, prefix: prefix, key) }
        let entry = hot + Self.hotIndex(h)
        if entry.pointee.w0 == probe.w0 && entry.pointee.w1 == probe.w1 && Int(entry.pointee.length) == n && entry.pointee.prefix == prefix {
            return entry.pointee.value
        }
        guard let value = findInTable(h, prefix: prefix, key) else { return nil }
        entry.pointee = HotEntry(w0: probe.w0, w1: probe.w1, value: value, length: UInt16(n), prefix: prefix)
        return value
    }

    @inline(__always)
    private func findInTable(_ h: UInt32, prefix: UInt8, _ key: UnsafeBufferPointer<UInt8>) -> Int32? {
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
    func insert(prefix: UInt8, _ key: UnsafeBufferPointer<UInt8>, value: Int32, _ probe: Probe) {
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
        let h = probe.hash
        if key.count <= 16, key.count > 0 {
            hot[Self.hotIndex(h)] = HotEntry(w0: probe.w0, w1: probe.w1, value: value, length: UInt16(key.count), prefix: prefix)
        }
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
