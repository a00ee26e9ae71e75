/// A growable buffer of positions that phrase matching refills document after document: the
/// decoder writes straight into it, with no per-position checks of an array's uniqueness.
final class PositionBuffer {
    private(set) var base: UnsafeMutablePointer<UInt32>
    private var capacity: Int
    /// How many positions it holds, at `base[0..<count]`.
    var count = 0

    init(capacity: Int = 256) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `more` positions after the `count` held.
    @inline(__always)
    func reserve(_ more: Int) {
        guard count + more > capacity else { return }
        var grown = capacity * 2
        while grown < count + more { grown *= 2 }
        let bigger = UnsafeMutablePointer<UInt32>.allocate(capacity: grown)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = grown
    }

    func append(contentsOf list: [UInt32]) {
        reserve(list.count)
        list.withUnsafeBufferPointer { source in
            if let start = source.baseAddress { (base + count).update(from: start, count: source.count) }
        }
        count += list.count
    }

    var all: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: base, count: count) }
}
