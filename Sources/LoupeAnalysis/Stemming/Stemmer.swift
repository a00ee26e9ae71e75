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

    /// The word as a `String` (encoded to UTF-8 by hand: appending to a `UnicodeScalarView` one
    /// scalar at a time showed up in query profiles).
    var string: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count * 2)
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
struct SuffixTable<Tag: Sendable>: Sendable {
    private struct Entry: Sendable {
        let scalars: [Unicode.Scalar]
        let tag: Tag
    }

    /// Entries grouped by their last scalar, longest first within a group: ASCII last scalars in
    /// an array (no hashing on the hot path), others in a dictionary.
    private let byASCIILast: [[Entry]]
    private let byOtherLast: [Unicode.Scalar: [Entry]]

    init(_ pairs: KeyValuePairs<String, Tag>) {
        self.init(pairs.map { ($0.key, $0.value) })
    }

    init(_ pairs: [(String, Tag)]) {
        var groups: [Unicode.Scalar: [Entry]] = [:]
        for (suffix, tag) in pairs {
            let scalars = Array(suffix.unicodeScalars)
            guard let last = scalars.last else { continue }
            groups[last, default: []].append(Entry(scalars: scalars, tag: tag))
        }
        for key in Array(groups.keys) {
            groups[key]?.sort { $0.scalars.count > $1.scalars.count }
        }
        byASCIILast = (0..<128).map { groups[Unicode.Scalar(UInt8($0))] ?? [] }
        byOtherLast = groups.filter { $0.key.value >= 128 }
    }

    /// The longest suffix in the table that ends at index `end` of `word` and
    /// starts at or after `floor`, as the index where it starts and its tag.
    func longestMatch(
        in word: SnowballWord, before end: Int, floor: Int = 0
    ) -> (start: Int, tag: Tag)? {
        guard end > floor, end <= word.count else { return nil }
        let last = word[end - 1]
        let candidates: [Entry]
        if last.value < 128 {
            candidates = byASCIILast[Int(last.value)]
        } else {
            guard let found = byOtherLast[last] else { return nil }
            candidates = found
        }
        for entry in candidates {
            let length = entry.scalars.count
            guard length <= end - floor else { continue }
            var matched = true
            var offset = 1
            while offset <= length {
                if word[end - offset] != entry.scalars[length - offset] {
                    matched = false
                    break
                }
                offset += 1
            }
            if matched { return (end - length, entry.tag) }
        }
        return nil
    }

    /// The longest suffix in the table that the whole word ends with.
    func longestMatch(in word: SnowballWord) -> (start: Int, tag: Tag)? {
        longestMatch(in: word, before: word.count)
    }
}
