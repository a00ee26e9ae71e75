/// Reduces an inflected word to its stem, so that related word forms
/// ("connected", "connection", "connecting") index and match as one term.
///
/// Implementations receive a single, already lowercased token and must return a
/// stem for any input at all: they never trap, whatever the text.
public protocol Stemmer: Sendable {
    /// Returns the stem of `word`.
    func stem(_ word: String) -> String
}

// MARK: - Shared helpers for the Snowball stemmers
//
// The Snowball algorithms work on a word as a sequence of characters and
// describe their steps in terms of suffixes and of regions (R1, R2, RV) that
// start at an index into the word. The helpers below work on Unicode scalars,
// which is what the reference implementation calls a character, so indices
// mean the same thing here as in the algorithm descriptions.

/// A word being stemmed, one element per Unicode scalar, with the few
/// operations the Snowball steps need: suffix tests and changes at the end.
struct SnowballWord: RandomAccessCollection, MutableCollection, Sendable {
    private(set) var scalars: [Unicode.Scalar]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    var startIndex: Int { 0 }
    var endIndex: Int { scalars.count }

    subscript(position: Int) -> Unicode.Scalar {
        get { scalars[position] }
        set { scalars[position] = newValue }
    }

    /// The scalars of valid UTF-8 bytes, decoded in one pass (a malformed sequence, which
    /// normalized text never holds, becomes U+FFFD).
    init(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let (scalar, next) = decodeUTF8Scalar(bytes, at: i)
            scalars.append(scalar)
            i = next
        }
        self.scalars = scalars
    }

    /// Appends the word's UTF-8 bytes to `bytes` (encoded by hand: appending to a
    /// `UnicodeScalarView` one scalar at a time showed up in query profiles).
    func appendUTF8(to bytes: inout [UInt8]) {
        for scalar in scalars {
            let v = scalar.value
            switch v {
            case 0..<0x80:
                bytes.append(UInt8(v))
            case 0x80..<0x800:
                bytes.append(UInt8(0xC0 | (v >> 6)))
                bytes.append(UInt8(0x80 | (v & 0x3F)))
            case 0x800..<0x10000:
                bytes.append(UInt8(0xE0 | (v >> 12)))
                bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
                bytes.append(UInt8(0x80 | (v & 0x3F)))
            default:
                bytes.append(UInt8(0xF0 | (v >> 18)))
                bytes.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
                bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
                bytes.append(UInt8(0x80 | (v & 0x3F)))
            }
        }
    }

    /// The word as a `String`.
    var string: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count * 2)
        appendUTF8(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The scalar at `index`, or nil when `index` is outside the word.
    @inline(__always)
    func scalar(at index: Int) -> Unicode.Scalar? {
        index >= 0 && index < scalars.count ? scalars[index] : nil
    }

    /// Whether the scalars of `literal` occur just before index `end`, and at
    /// or after index `floor`.
    @inline(__always)
    func hasSuffix(_ literal: String, before end: Int, floor: Int = 0) -> Bool {
        guard end <= scalars.count else { return false }
        var index = end
        for scalar in literal.unicodeScalars.reversed() {
            guard index > floor, index > 0, scalars[index - 1] == scalar else { return false }
            index -= 1
        }
        return true
    }

    /// Whether the whole word ends with `literal`.
    @inline(__always)
    func hasSuffix(_ literal: String) -> Bool {
        hasSuffix(literal, before: scalars.count)
    }

    /// Whether the word starts with `literal`.
    @inline(__always)
    func hasPrefix(_ literal: String) -> Bool {
        var index = 0
        for scalar in literal.unicodeScalars {
            guard index < scalars.count, scalars[index] == scalar else { return false }
            index += 1
        }
        return true
    }

    /// Whether the first `length` scalars of the word are exactly `literal`.
    @inline(__always)
    func isExactly(_ literal: String, upTo length: Int) -> Bool {
        var index = 0
        for scalar in literal.unicodeScalars {
            guard index < length, index < scalars.count, scalars[index] == scalar else {
                return false
            }
            index += 1
        }
        return index == length
    }

    /// Replaces everything from index `start` to the end with `literal`.
    @inline(__always)
    mutating func replaceTail(from start: Int, with literal: String) {
        truncate(to: start)
        scalars.append(contentsOf: literal.unicodeScalars)
    }

    /// Removes everything from index `start` to the end.
    @inline(__always)
    mutating func truncate(to start: Int) {
        let start = Swift.max(0, start)
        if start < scalars.count { scalars.removeSubrange(start...) }
    }

    /// Removes the first `length` scalars.
    mutating func removePrefix(_ length: Int) {
        scalars.removeFirst(Swift.max(0, Swift.min(length, scalars.count)))
    }

    mutating func append(_ scalar: Unicode.Scalar) {
        scalars.append(scalar)
    }

    /// Removes the last scalar, if any.
    mutating func dropLastScalar() {
        if !scalars.isEmpty { scalars.removeLast() }
    }
}

/// The start of the region that follows the first non-vowel that follows a
/// vowel, searching from `start` ("gopast v gopast non-v" in Snowball terms).
/// This is how R1 is found from the start of the word, and R2 from R1. Returns
/// `word.count` (an empty region) when there is no such position.
@inline(__always)
func regionStart(
    of word: SnowballWord, from start: Int, isVowel: (Unicode.Scalar) -> Bool
) -> Int {
    let end = word.count
    var index = Swift.max(0, start)
    while index < end && !isVowel(word[index]) { index += 1 }
    guard index < end else { return end }
    index += 1
    while index < end && isVowel(word[index]) { index += 1 }
    guard index < end else { return end }
    return index + 1
}

/// A set of suffixes, each with a tag saying what to do when it is found, that
/// answers which is the longest one the word ends with (Snowball's `among`
/// with `substring`).
///
/// The suffixes are kept as a trie of their scalars read backwards, so a lookup walks the word
/// from its end once, scalar by scalar, instead of comparing it with every suffix that ends in
/// the same scalar: the deepest node with a tag that the walk reaches is the longest match.
struct SuffixTable<Tag: Sendable>: Sendable {
    /// Per node: its first edge in `edgeScalars`/`edgeTargets`, its number of edges, and the index
    /// of its tag in `tags` (-1: no suffix ends here). Node 0 is the root (the empty suffix).
    private let firstEdge: [Int32]
    private let edgeCount: [Int32]
    private let tagIndex: [Int32]
    private let edgeScalars: [UInt32]
    private let edgeTargets: [Int32]
    private let tags: [Tag]
    /// The root's child per ASCII scalar (-1: none), the first step of almost every lookup.
    private let rootASCII: [Int32]

    init(_ pairs: KeyValuePairs<String, Tag>) {
        self.init(pairs.map { ($0.key, $0.value) })
    }

    init(_ pairs: [(String, Tag)]) {
        // Build with per-node dictionaries, then lay the edges out node by node.
        var children: [[UInt32: Int]] = [[:]]
        var nodeTag: [Int32] = [-1]
        var tags: [Tag] = []
        for (suffix, tag) in pairs {
            var node = 0
            for scalar in suffix.unicodeScalars.reversed() {
                if let next = children[node][scalar.value] {
                    node = next
                } else {
                    children.append([:])
                    nodeTag.append(-1)
                    children[node][scalar.value] = children.count - 1
                    node = children.count - 1
                }
            }
            // The first entry for a suffix wins should one be listed twice.
            guard node != 0, nodeTag[node] < 0 else { continue }
            nodeTag[node] = Int32(tags.count)
            tags.append(tag)
        }
        var firstEdge: [Int32] = [], edgeCount: [Int32] = [], edgeScalars: [UInt32] = [], edgeTargets: [Int32] = []
        for node in children.indices {
            firstEdge.append(Int32(edgeScalars.count))
            edgeCount.append(Int32(children[node].count))
            for (scalar, target) in children[node].sorted(by: { $0.key < $1.key }) {
                edgeScalars.append(scalar)
                edgeTargets.append(Int32(target))
            }
        }
        var rootASCII = [Int32](repeating: -1, count: 128)
        for (scalar, target) in children[0] where scalar < 128 { rootASCII[Int(scalar)] = Int32(target) }
        self.firstEdge = firstEdge
        self.edgeCount = edgeCount
        self.tagIndex = nodeTag
        self.edgeScalars = edgeScalars
        self.edgeTargets = edgeTargets
        self.tags = tags
        self.rootASCII = rootASCII
    }

    /// The child of `node` along `scalar`, or -1.
    @inline(__always)
    private func child(of node: Int, _ scalar: UInt32) -> Int {
        if node == 0 && scalar < 128 { return Int(rootASCII[Int(scalar)]) }
        let first = Int(firstEdge[node])
        for e in first..<(first + Int(edgeCount[node])) where edgeScalars[e] == scalar { return Int(edgeTargets[e]) }
        return -1
    }

    /// The longest suffix in the table that ends at index `end` of `word` and
    /// starts at or after `floor`, as the index where it starts and its tag.
    func longestMatch(
        in word: SnowballWord, before end: Int, floor: Int = 0
    ) -> (start: Int, tag: Tag)? {
        guard end > floor, end <= word.count else { return nil }
        var node = 0
        var position = end
        var best = -1, bestStart = 0
        while position > floor {
            node = child(of: node, word[position - 1].value)
            guard node >= 0 else { break }
            position -= 1
            if tagIndex[node] >= 0 { (best, bestStart) = (Int(tagIndex[node]), position) }
        }
        return best >= 0 ? (bestStart, tags[best]) : nil
    }

    /// The longest suffix in the table that the whole word ends with.
    func longestMatch(in word: SnowballWord) -> (start: Int, tag: Tag)? {
        longestMatch(in: word, before: word.count)
    }
}
