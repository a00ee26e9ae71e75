/// The language detector's second opinion for texts whose function words do not decide (a proverb
/// of ten words, a page of options with a few sentences): the character trigrams of the text's
/// first 2 KiB scored against English, French and Spanish profiles built from the texts the project
/// ships (`TrigramProfiles`, made by `scripts/make-trigram-profiles.py` from `Corpus/`).
///
/// A trigram absent from a profile scores that profile's rarest log-frequency minus 1. The text is
/// given the best-scoring language only when it is clearly that language: at least `minimumTrigrams`
/// trigrams, an average score at least `minimumMargin` (in natural-log units per trigram) above the
/// runner-up's, and at least `minimumKnown` of its trigrams in the winner's profile — which is what
/// keeps German, Italian, Portuguese, Dutch or Swedish text `other` (measured on Debian's manual
/// pages in those languages: see docs/ARCHITECTURE.md).
struct TrigramClassifier: Sendable {
    static let shared = TrigramClassifier()

    static let minimumTrigrams = 8
    static let minimumMargin = 0.2
    static let minimumKnown = 0.7
    /// Bytes of text read.
    static let limit = 2048

    private static let languages: [Language] = [.english, .french, .spanish]
    /// Per trigram, its score in each language (hundredths of a natural log).
    private let scores: [UInt64: SIMD4<Int32>]
    private let floors: SIMD4<Int32>

    init() {
        let profiles = [(TrigramProfiles.enKeys, TrigramProfiles.enLogs), (TrigramProfiles.frKeys, TrigramProfiles.frLogs),
                        (TrigramProfiles.esKeys, TrigramProfiles.esLogs)]
        var floors = SIMD4<Int32>(repeating: 0)
        for (l, profile) in profiles.enumerated() { floors[l] = Int32(profile.1.min() ?? 0) - 100 }
        var scores: [UInt64: SIMD4<Int32>] = [:]
        for (l, profile) in profiles.enumerated() {
            for (key, log) in zip(profile.0, profile.1) {
                var entry = scores[key] ?? floors
                entry[l] = Int32(log)
                scores[key] = entry
            }
        }
        self.scores = scores
        self.floors = floors
    }

    /// The language of `text` by its trigrams, or nil when they do not make it clear.
    func classify(utf8 text: UnsafeBufferPointer<UInt8>) -> Language? {
        var sums = SIMD4<Int32>(repeating: 0)
        var known = SIMD4<Int32>(repeating: 0)
        let none = SIMD4<Int32>(repeating: 0)
        var count = 0
        // Each word is read padded with a space on either side: " ab " gives " ab" and "ab ".
        var previous2: UInt32 = 0x20, previous1: UInt32 = 0x20
        var length = 0  // characters of the padded word so far, 0 between words
        @inline(__always) func emit(_ c: UInt32) {
            let key = UInt64(previous2) << 42 | UInt64(previous1) << 21 | UInt64(c)
            if let entry = scores[key] {
                sums &+= entry
                known &+= none.replacing(with: 1, where: entry .!= floors)
            } else {
                sums &+= floors
            }
            count += 1
        }
        let end = min(text.count, Self.limit)
        var i = 0
        while i < end {
            let (scalar, next) = decodeUTF8Scalar(text, at: i)
            i = next
            if let letter = Self.lowercaseLetter(scalar) {
                if length == 0 { (previous1, length) = (0x20, 1) }
                if length >= 2 { emit(letter) }
                (previous2, previous1) = (previous1, letter)
                length += 1
            } else if length > 0 {
                emit(0x20)
                length = 0
            }
        }
        // A word cut by the limit is left out (its end is not known); one ending the text counts.
        if length > 0 && end == text.count { emit(0x20) }
        guard count >= Self.minimumTrigrams else { return nil }
        var best = 0, second = -1
        for l in 1..<3 {
            if sums[l] > sums[best] { (best, second) = (l, best) } else if second < 0 || sums[l] > sums[second] { second = l }
        }
        let n = Double(count)
        let margin = Double(sums[best] - sums[second]) / 100 / n
        guard margin >= Self.minimumMargin, Double(known[best]) / n >= Self.minimumKnown else { return nil }
        return Self.languages[best]
    }

    /// The scalar lower-cased when it is a letter, else nil.
    @inline(__always)
    static func lowercaseLetter(_ scalar: Unicode.Scalar) -> UInt32? {
        let v = scalar.value
        if v < 0x80 {
            if v &- 0x41 < 26 { return v | 0x20 }
            return v &- 0x61 < 26 ? v : nil
        }
        guard scalar.properties.isAlphabetic else { return nil }
        if scalar.properties.isLowercase { return v }
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        return lower.count == 1 ? lower.first?.value : v
    }
}
