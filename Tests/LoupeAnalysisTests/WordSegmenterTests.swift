import Foundation
import LoupeTestSupport
import Testing
@testable import LoupeAnalysis

/// The ASCII fast path must find exactly the words ICU finds.
@Suite struct WordSegmenterTests {
    func words(_ text: String, forceICU: Bool) throws -> [Range<Int>] {
        let segmenter = try WordSegmenter()
        segmenter.forceICU = forceICU
        var result: [Range<Int>] = []
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            segmenter.forEachWord(in: UnsafeBufferPointer(buffer)) { start, end in
                // ICU keeps "__" or "@" as words; the analyzer drops tokens without a letter or digit.
                let token = buffer[start..<end]
                if token.contains(where: { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 >= 0x80 }) {
                    result.append(start..<end)
                }
            }
        }
        return result
    }

    @Test(arguments: [
        "U.S.A. e.g. 3.14 1,000 foo_bar _x x_ a'b a''b 'a a' don't 1a a1 1_a a.1 1.a a,b 1,a a-b \"a\"b 1'2 a.b.c.",
        "x@y.com a@@b @a a@ 1;2 1.,2 a._b 1_._1 a:b 13:00 #tag $5 5% a/b",
        "Mission Accomplished, or not?\nFrance ends its military presence in Mali.",
        "l’armée d'Afrique México café.com ¿Qué? Straße ﬁnal Ｍａｌｉ Œuvre 東京 москва",
        "mixed é.a a.é 1.é é1 a’b a'é x\u{301}y \u{301}ab ab\u{A0}cd tab\there",
        "l'été d'él ñu,ñu 3.é é_1 ×a a×b α.β ж'ж l·l µm ª1 «él» ¿qué? שלום مرحبا ٣.٤",
        "top‐ ics a—b “quoted” wait… ─┼─ │x│ • item ☺a 5€ №3 ℂx Ⓐb xⁿ a‘b 1․2 a‧b a\u{2028}b a\u{200B}b a\u{2060}b 1\u{202F}2",
    ])
    func fastPathMatchesICU(_ text: String) throws {
        #expect(try words(text, forceICU: false) == words(text, forceICU: true))
    }

    @Test func fastPathMatchesICUOnRandomText() throws {
        let alphabet: [String] = ["a", "B", "z", "1", "9", " ", " ", "\n", "\t", ".", ",", ";", ":", "'", "’", "_", "@", "-", "\"",
                                  "é", "ß", "\u{301}", "\u{A0}", "東", "!", "(", "/", "ﬁ",
                                  // Two-byte characters: letters (fast path) and others (ICU).
                                  "ñ", "Ø", "ç", "α", "ж", "µ", "ª", "ǅ", "×", "·", "\u{AD}", "¿", "«", "\u{5D0}", "\u{627}", "\u{660}",
                                  // U+2000–U+27FF: Others, MidNumLet, letters (fast path) and the rest (ICU).
                                  "‐", "—", "“", "”", "…", "─", "│", "•", "☺", "€", "№", "ℂ", "Ⓐ", "ⁿ", "‘", "․", "‧",
                                  "\u{2028}", "\u{200B}", "\u{200D}", "\u{2060}", "\u{202F}", "\u{2E80}", "\u{3042}", "😀"]
        var rng = SplitMix(seed: 42)
        for _ in 0..<20_000 {
            let length = Int(rng.next() % 24) + 1
            let text = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined()
            let fast = try words(text, forceICU: false)
            let icu = try words(text, forceICU: true)
            #expect(fast == icu, "differs on \(text.debugDescription)")
            if fast != icu { return }
        }
    }
}

extension WordSegmenterTests {
    @Test func fastPathMatchesICUOnTheCorpus() throws {
        let corpus = repositoryRoot() + "/Corpus"
        let files = try listFiles(corpus)
        #expect(files.count >= 40)
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(try words(text, forceICU: false) == words(text, forceICU: true), "differs on \(file)")
        }
    }
}


extension WordSegmenterTests {
    /// The eight-bytes-at-a-time letter and digit count against a byte-by-byte one, on every
    /// byte value in every position (the ranges' edges: `/0 9: @A Z[ `a z{`, and bytes ≥ 0x80).
    @Test func leadingLettersAndDigitsMatchesAByteLoop() {
        func reference(_ bytes: [UInt8]) -> Int {
            bytes.prefix { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }.count
        }
        var rng = SplitMix(seed: 7)
        let edges: [UInt8] = [0x2F, 0x30, 0x39, 0x3A, 0x40, 0x41, 0x5A, 0x5B, 0x5F, 0x60, 0x61, 0x7A, 0x7B, 0x7F, 0x80, 0xC3, 0xE1, 0xFA, 0xFF, 0x00, 0x20]
        for trial in 0..<50_000 {
            var bytes = (0..<8).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if trial % 2 == 0 {
                // Mostly letters, so that long runs and every stopping place are covered.
                for k in 0..<8 { bytes[k] = rng.next() % 4 == 0 ? edges[Int(rng.next() % UInt64(edges.count))] : UInt8(0x61 + rng.next() % 26) }
            }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            #expect(WordSegmenter.leadingLettersAndDigits(word) == reference(bytes), "\(bytes)")
        }
        for value in 0...255 {
            for position in 0..<8 {
                var bytes = [UInt8](repeating: 0x61, count: 8)
                bytes[position] = UInt8(value)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                #expect(WordSegmenter.leadingLettersAndDigits(word) == reference(bytes))
            }
        }
    }
}
