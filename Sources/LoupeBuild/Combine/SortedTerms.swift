import LoupeAnalysis
@_spi(Internals) import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage

/// `SortedTerms` read through pointers, for the combine's merge loop.
struct SortedTermsView {
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>

    @inline(__always)
    func key(_ i: Int) -> UnsafeRawBufferPointer {
        let start = i == 0 ? 0 : ends[i - 1]
        return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<ends[i]])
    }

    /// Compares term `i` here with term `j` of `other`.
    @inline(__always)
    func compare(_ i: Int, _ other: SortedTermsView, _ j: Int) -> Int { compareBytes(key(i), other.key(j)) }
}

/// Terms in key order, their keys back to back in one buffer (no allocation per term).
struct SortedTerms {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []

    var count: Int { ends.count }

    mutating func append(_ key: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: key)
        ends.append(bytes.count)
    }

    func withKey<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = i == 0 ? 0 : ends[i - 1]
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<ends[i]])) }
    }

    func key(_ i: Int) -> [UInt8] { withKey(i) { Array($0) } }

    /// Calls `body` with a view of the terms that needs no reference counting to read.
    func withView<R>(_ body: (SortedTermsView) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { b in try ends.withUnsafeBufferPointer { e in try body(SortedTermsView(bytes: b, ends: e)) } }
    }

    /// Calls `body` with views of every list in `lists`.
    static func withViews<R>(_ lists: [SortedTerms], _ body: ([SortedTermsView]) throws -> R) rethrows -> R {
        func nest(_ views: [SortedTermsView]) throws -> R {
            if views.count == lists.count { return try body(views) }
            return try lists[views.count].withView { try nest(views + [$0]) }
        }
        return try nest([])
    }

    /// The first term not below `key`.
    func lowerBound(_ key: [UInt8]) -> Int {
        var lo = 0, hi = count
        key.withUnsafeBytes { k in
            while lo < hi {
                let mid = (lo + hi) / 2
                if withKey(mid, { compareBytes($0, k) }) < 0 { lo = mid + 1 } else { hi = mid }
            }
        }
        return lo
    }
}
