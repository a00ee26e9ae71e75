/// Guesses whether a document is English, French, Spanish or something else from the function
/// words it uses — each word that is a function word of exactly one of the three languages votes
/// for it — and from letters only one of the languages uses (ñ, ¿, á, í, ó, ú
/// for Spanish; ç, è, ê, à, â, î, ô, û, ù, ë, œ for French). A language wins with at least
/// `minimumVotes` votes (two for texts under 40 words) and a clear lead (1.5× the runner-up);
/// texts with too few votes, or a vote share under 3% of their words, are `other`.
public struct LanguageDetector: Sendable {
    public static let minimumVotes = 3

    public init() {}

    /// Function words (two letters or more) of exactly one of the three languages: the ones that vote.
    static func distinctiveWords() -> [String: Language] {
        var map: [String: Language] = [:]
        let lists: [(Language, Set<String>)] = [(.english, StopWords.english), (.french, StopWords.french), (.spanish, StopWords.spanish)]
        for (language, words) in lists {
            // Single letters (French elided articles, "y", "e") are too common in code and options to vote.
            for word in words where word.count > 1 && !lists.contains(where: { $0.0 != language && $0.1.contains(word) }) {
                map[word] = language
            }
        }
        return map
    }
}

extension LanguageDetector {
    /// Detects the language straight from UTF-8 bytes, cheaply: lower-cased ASCII words of up to
    /// 8 letters are looked up among the distinctive function words (which are all ASCII once
    /// folded; accented ones are simply not counted). Reads at most the first 8 KiB, and stops
    /// early once one language has 40 votes and four times the runner-up's.
    public func detect(utf8 text: UnsafeBufferPointer<UInt8>) -> Language {
        // Per language raw value (1–4); a SIMD value lives in registers: no array to allocate,
        // no uniqueness check per vote.
        var votes = SIMD8<Int32>()
        var words = 0
        var packed: UInt64 = 0
        var length = 0
        var ascii = true
        let limit = min(text.count, 8 * 1024)
        func finish() {
            if length > 0 {
                words += 1
                if ascii && length <= 8, let language = Self.packedTable.find(packed) { votes[Int(language.rawValue)] += 1 }
            }
            packed = 0
            length = 0
            ascii = true
        }
        // Every 512 bytes (at the first word boundary past the mark), see whether one language leads clearly.
        var nextCheck = 512
        for i in 0..<limit {
            if length == 0 && i >= nextCheck {
                nextCheck = i + 512
                if Self.clearLead(votes) { break }
            }
            let b = text[i]
            if b &- 0x41 < 26 || b &- 0x61 < 26 {
                if length < 8 { packed |= UInt64(b | 0x20) << (8 * UInt64(length)) }
                length += 1
            } else if b >= 0x80 {
                ascii = false
                length += 1
                // Letters that mark one language: ñ á í ó ú ¿ ¡ Spanish; ç è ê à â î ô û ù ë œ French.
                if i + 1 < limit, let language = Self.letterVote(b, text[i + 1]) { votes[Int(language.rawValue)] += 1 }
            } else if b == 0x27 {
                // An elided article ("l'", "d'") counts as its own word.
                finish()
            } else {
                finish()
            }
        }
        finish()
        // The leader (the lower raw value on a tie) and the most votes of the others.
        var best = Language.other, bestVotes = -1, runnerUp = 0
        for language in Self.voting {
            let v = Int(votes[Int(language.rawValue)])
            if v > bestVotes {
                runnerUp = max(runnerUp, bestVotes)
                (best, bestVotes) = (language, v)
            } else {
                runnerUp = max(runnerUp, v)
            }
        }
        // Words of other languages (German, Italian, …) compete too.
        let otherVotes = Int(votes[Int(Language.other.rawValue)])
        // Short texts (a proverb, a title) cannot show three votes; two are enough there.
        if best != .other, bestVotes >= (words < 40 ? 2 : Self.minimumVotes), Double(bestVotes) >= 1.5 * Double(max(runnerUp, otherVotes)),
           bestVotes * 100 >= 3 * words {
            return best
        }
        // Too few function words to decide: the trigrams decide, unless the votes there were point
        // to another language, or to none of the three.
        guard otherVotes == 0 || otherVotes < bestVotes, let guess = TrigramClassifier.shared.classify(utf8: text) else { return .other }
        return bestVotes > 0 && best != guess ? .other : guess
    }

    /// The languages that can win, in raw-value order.
    private static let voting = Language.allCases.filter { $0 != .other }.sorted { $0.rawValue < $1.rawValue }

    /// One language has at least 40 votes and four times the runner-up's.
    @inline(__always)
    static func clearLead(_ votes: SIMD8<Int32>) -> Bool {
        var first: Int32 = 0, second: Int32 = 0
        for k in 0..<8 {
            let v = votes[k]
            if v > first { (first, second) = (v, first) } else if v > second { second = v }
        }
        return first >= 40 && first >= 4 * second
    }

    public func detect(_ text: String) -> Language {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { detect(utf8: UnsafeBufferPointer($0)) }
    }

    /// The language a two-byte UTF-8 letter votes for, if it is distinctive.
    @inline(__always)
    static func letterVote(_ lead: UInt8, _ trail: UInt8) -> Language? {
        switch (lead, trail) {
        case (0xC3, 0xB1), (0xC3, 0x91), (0xC3, 0xA1), (0xC3, 0xAD), (0xC3, 0xB3), (0xC3, 0xBA), (0xC2, 0xBF), (0xC2, 0xA1):
            return .spanish  // ñ Ñ á í ó ú ¿ ¡
        case (0xC3, 0xA7), (0xC3, 0xA8), (0xC3, 0xAA), (0xC3, 0xA0), (0xC3, 0xA2), (0xC3, 0xAE), (0xC3, 0xB4), (0xC3, 0xBB),
             (0xC3, 0xB9), (0xC3, 0xAB), (0xC5, 0x93):
            return .french  // ç è ê à â î ô û ù ë œ
        default:
            return nil
        }
    }

    /// Distinctive words of up to 8 ASCII letters, packed little-endian into a UInt64.
    /// Frequent function words of German, Italian, Portuguese, Dutch and Swedish that are none of
    /// English's, French's or Spanish's: they vote `other`, so that text in those languages is not
    /// given one of the three by its trigrams, nor by a few shared-looking words.
    static let otherLanguageWords: Set<String> = [
        "und", "der", "das", "nicht", "ist", "ich", "ein", "eine", "mit", "sich", "auf", "wird", "werden", "sind", "oder",
        "auch", "dem", "des", "von", "wenn", "nur", "kann", "bei", "aus", "wie", "noch", "nach", "zum", "zur", "einer",
        "della", "che", "gli", "sono", "questo", "anche", "delle", "degli", "nella", "alla", "essere", "viene", "dalla",
        "uma", "com", "para", "muito", "mais", "voce", "pelo", "pela", "seu", "sua", "nao", "tem", "isso", "est",
        "het", "een", "niet", "van", "zijn", "wordt", "ook", "maar", "naar", "voor", "deze", "worden", "kan",
        "och", "det", "att", "inte", "som", "med", "har", "till", "eller", "kan", "vara", "om",
    ]

    private static let packedTable: PackedWordTable<Language> = {
        var words = distinctiveWords()
        let known = StopWords.english.union(StopWords.french).union(StopWords.spanish)
        for word in otherLanguageWords where !known.contains(word) && words[word] == nil { words[word] = .other }
        let entries = words.filter { $0.key.utf8.count <= 8 }.map { (PackedWordTable<Language>.pack($0.key), $0.value) }
        return PackedWordTable(entries, absent: .other)
    }()
}

/// A small open-addressing table from words of at most 8 bytes, packed little-endian into a
/// nonzero UInt64, to a value, probed with a multiplicative hash: no String is built to look a
/// word up (the detector looks up every short word of a document's start, the stop-word check
/// every new spelling).
struct PackedWordTable<Value: Sendable>: Sendable {
    private let keys: [UInt64]
    private let values: [Value]
    private let shift: UInt64

    init(_ entries: [(UInt64, Value)], absent: Value) {
        var bits: UInt64 = 4
        while (1 << bits) < entries.count * 4 { bits += 1 }
        var keys = [UInt64](repeating: 0, count: 1 << bits)
        var values = [Value](repeating: absent, count: 1 << bits)
        let shift = 64 - bits
        for (key, value) in entries where key != 0 {
            var i = Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while keys[i] != 0 && keys[i] != key { i = (i + 1) & (keys.count - 1) }
            keys[i] = key
            values[i] = value
        }
        self.keys = keys
        self.values = values
        self.shift = shift
    }

    /// The bytes of a word of at most 8 bytes, packed as the table's keys are (nil when longer or empty).
    @inline(__always)
    static func pack(_ word: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard !word.isEmpty, word.count <= 8 else { return nil }
        var packed: UInt64 = 0
        for i in 0..<word.count { packed |= UInt64(word[i]) << (8 * UInt64(i)) }
        return packed
    }

    /// The bytes of `word` (its first 8) packed as the table's keys are (0 for an empty word).
    static func pack(_ word: String) -> UInt64 {
        var word = word
        return word.withUTF8 { pack(UnsafeBufferPointer(rebasing: $0.prefix(8))) } ?? 0
    }

    @inline(__always)
    func find(_ key: UInt64) -> Value? {
        var i = Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == 0 { return nil }
            i = (i + 1) & (keys.count - 1)
        }
    }
}
