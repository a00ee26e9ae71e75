/// The average document length that steers impact reduction; the writers and `loupe check` must
/// compute it identically, or rebuilt impacts would not match.
package enum DocumentLengths {
    package static func average(sum: Int, count: Int) -> Double {
        count == 0 ? 0 : Double(sum) / Double(count)
    }

    package static func average(_ lengths: [UInt32]) -> Double {
        average(sum: lengths.reduce(0) { $0 + Int($1) }, count: lengths.count)
    }
}
