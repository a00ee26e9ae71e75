import CICU

/// Turns the raw UTF-8 bytes of one word into the form that is indexed and searched:
/// NFKC + case folding (ICU), diacritics and ligatures folded, typographic apostrophes made
/// ASCII, French elisions and the English possessive removed, remaining apostrophes dropped.
///
/// `México` → `mexico`, `l’armée` → `armee`, `Straße` → `strasse`, `ﬁnal` → `final`,
/// `Ｍａｌｉ` → `mali`, `Œuvre` → `oeuvre`, `O'Brien` → `obrien`, `Macron's` → `macron`,
/// `O.N.U.` → `onu`.
/// Pure ASCII words take a fast path (lowercasing) that gives the same result as the ICU path.
/// Not thread-safe (it reuses scratch buffers): use one per thread.
public final class TermNormalizer {
    private var utf16: [UInt16] = []
    private var folded: [UInt16] = []
    private var decomposed: [UInt16] = []
    private var stripped: [UInt16] = []
    private let nonspacingMark = cicu_category_nonspacing_mark()

    public init() {}

    /// Words longer than this many bytes are not indexed (they are almost always junk: base64, hashes).
    public static let maxWordBytes = 100

    /// Writes the normalized term for `raw` into `out` (replacing its contents). Returns false when
    /// the word yields no term (too long, or nothing left that is a letter or a digit).
    public func normalize(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        normalize(raw, into: &out, accented: nil)
    }

    /// `normalize(_:into:)`, also writing into `accented` the word with its accents kept — case
    /// folded, NFKC, ligatures expanded, apostrophes, elisions and dotted acronyms handled as in
    /// `out` — which is what the Snowball stemmers are defined on (`première`, not `premiere`).
    /// `accented` is left empty when the word has no accent (it would equal `out`), and whenever
    /// folding it would not give `out` exactly (so stemming it can never reach another word).
    public func normalize(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], accented: inout [UInt8]) -> Bool {
        accented.removeAll(keepingCapacity: true)
        return withUnsafeMutablePointer(to: &accented) { normalize(raw, into: &out, accented: $0) }
    }

    private func normalize(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], accented: UnsafeMutablePointer<[UInt8]>?) -> Bool {
        out.removeAll(keepingCapacity: true)
        guard raw.count > 0, raw.count <= Self.maxWordBytes else { return false }
        var ascii = true
        for byte in raw where byte >= 0x80 { ascii = false; break }
        if ascii {
            for byte in raw { out.append(byte &+ ((byte &- 0x41) < 26 ? 0x20 : 0)) }
        } else if !foldUnicode(raw, into: &out, accented: accented) {
            return false
        }
        Apostrophes.apply(to: &out)
        Acronyms.apply(to: &out)
        if let accented, !accented.pointee.isEmpty {
            Apostrophes.apply(to: &accented.pointee, accentedVowels: true)
            Acronyms.apply(to: &accented.pointee)
            // Folded again it must give `out`: the apostrophe and acronym rules look at letters,
            // which could in principle read differently with their accents.
            var check: [UInt8] = []
            if !(accented.pointee.withUnsafeBufferPointer { fold($0, into: &check) } && check == out) {
                accented.pointee.removeAll(keepingCapacity: true)
            }
        }
        return out.contains(where: { $0 >= 0x80 || asciiClass[Int($0)] == CharClass.letter.rawValue || asciiClass[Int($0)] == CharClass.digit.rawValue })
    }

    /// Folds an already normalized word that may still hold accents — a stem of an accented word —
    /// into `out` as `normalize` would (accents dropped, nothing else changed for such input).
    /// Returns false when ICU fails.
    @discardableResult
    public func fold(_ word: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        out.removeAll(keepingCapacity: true)
        // Lower-case Latin-1 letters (what French and Spanish stems hold) are folded here; any
        // other non-ASCII scalar goes through ICU like `normalize`.
        var i = 0
        while i < word.count {
            let byte = word[i]
            if byte < 0x80 {
                out.append(byte)
                i += 1
            } else if byte == 0xC3, i + 1 < word.count, word[i + 1] >= 0xA0, let folded = Self.latin1Folds[Int(word[i + 1] - 0xA0)] {
                out.append(contentsOf: folded)
                i += 2
            } else {
                out.removeAll(keepingCapacity: true)
                return foldUnicode(word, into: &out, accented: nil)
            }
        }
        return true
    }

    /// U+00E0 … U+00FF (`à` … `ÿ`, second UTF-8 byte A0 … BF) folded as `normalize` folds them
    /// (nil: ÷, left to ICU).
    private static let latin1Folds: [[UInt8]?] = [
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "d", "n", "o", "o", "o", "o", "o", nil, "o", "u", "u", "u", "u", "y", "th", "y",
    ].map { $0.map { Array($0.utf8) } }

    /// Convenience for tests and tools: the normalized term of a word, or nil.
    public func normalize(_ word: String) -> String? {
        var bytes = Array(word.utf8)
        var out: [UInt8] = []
        let ok = bytes.withUnsafeMutableBufferPointer { normalize(UnsafeBufferPointer($0), into: &out) }
        return ok ? String(decoding: out, as: UTF8.self) : nil
    }

    private func foldUnicode(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], accented: UnsafeMutablePointer<[UInt8]>?) -> Bool {
        guard let base = raw.baseAddress else { return false }
        let length = base.withMemoryRebound(to: CChar.self, capacity: raw.count) { src in
            Self.grow(&utf16) { cicu_utf8_to_utf16(src, Int32(raw.count), $0, $1) }
        }
        guard length >= 0 else { return false }
        // Typographic apostrophes become ASCII before anything else looks at them.
        for i in 0..<length where Self.isApostrophe(utf16[i]) { utf16[i] = 0x27 }
        let foldedLength = utf16.withUnsafeBufferPointer { src in
            Self.grow(&folded) { cicu_nfkc_casefold(src.baseAddress, Int32(length), $0, $1) }
        }
        guard foldedLength >= 0 else { return false }
        let decomposedLength = folded.withUnsafeBufferPointer { src in
            Self.grow(&decomposed) { cicu_nfd(src.baseAddress, Int32(foldedLength), $0, $1) }
        }
        guard decomposedLength >= 0 else { return false }
        // Drop nonspacing marks (accents) and expand the letters that have no decomposition.
        stripped.removeAll(keepingCapacity: true)
        var droppedMark = false
        var i = 0
        while i < decomposedLength {
            let unit = decomposed[i]
            let (scalar, width) = Self.scalar(decomposed, at: i, count: decomposedLength)
            defer { i += width }
            if scalar >= 0x300, cicu_char_type(scalar) == nonspacingMark {
                droppedMark = true
                continue
            }
            if let expansion = Self.letterFolds[scalar] {
                stripped.append(contentsOf: expansion)
            } else if Self.isApostrophe(UInt16(truncatingIfNeeded: scalar)) && width == 1 {
                stripped.append(0x27)
            } else {
                stripped.append(unit)
                if width == 2 { stripped.append(decomposed[i + 1]) }
            }
        }
        let strippedCount = stripped.count
        var bytes = [UInt8](repeating: 0, count: strippedCount * 3 + 4)
        let utf8Length = stripped.withUnsafeBufferPointer { src in
            bytes.withUnsafeMutableBufferPointer { dst in
                dst.baseAddress.map { d in
                    d.withMemoryRebound(to: CChar.self, capacity: dst.count) {
                        cicu_utf16_to_utf8(src.baseAddress, Int32(strippedCount), $0, Int32(dst.count))
                    }
                } ?? -1
            }
        }
        guard utf8Length >= 0, Int(utf8Length) <= bytes.count else { return false }
        out.append(contentsOf: bytes[0..<Int(utf8Length)])
        if droppedMark, let accented { keepAccents(of: foldedLength, into: &accented.pointee) }
        return true
    }

    /// The first `length` units of `folded` (the case-folded NFKC word, composed, accents on)
    /// as UTF-8 into `out`, with the letters of `letterFolds` expanded as the folded form has them.
    private func keepAccents(of length: Int, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < length {
            let (value, width) = Self.scalar(folded, at: i, count: length)
            i += width
            if let expansion = Self.letterFolds[value] {
                for u in expansion { scalars.append(Unicode.Scalar(UInt8(u))) }
            } else if let scalar = Unicode.Scalar(value) {
                scalars.append(scalar)
            }
        }
        out.append(contentsOf: String(scalars).utf8)
    }

    /// The scalar at UTF-16 index `i` of the first `count` units, and how many units it takes
    /// (a lone surrogate is taken as it is, one unit).
    @inline(__always)
    private static func scalar(_ units: [UInt16], at i: Int, count: Int) -> (UInt32, Int) {
        let unit = units[i]
        if UTF16.isLeadSurrogate(unit), i + 1 < count, UTF16.isTrailSurrogate(units[i + 1]) {
            return (0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(units[i + 1]) - 0xDC00), 2)
        }
        return (UInt32(unit), 1)
    }

    /// Runs an ICU call that fills `buffer`, growing it once if ICU reports it was too small.
    private static func grow(_ buffer: inout [UInt16], _ call: (UnsafeMutablePointer<UInt16>?, Int32) -> Int32) -> Int {
        if buffer.count < 64 { buffer = [UInt16](repeating: 0, count: 64) }
        var needed = buffer.withUnsafeMutableBufferPointer { call($0.baseAddress, Int32($0.count)) }
        if needed > buffer.count {
            buffer = [UInt16](repeating: 0, count: Int(needed) + 16)
            needed = buffer.withUnsafeMutableBufferPointer { call($0.baseAddress, Int32($0.count)) }
        }
        return needed > buffer.count ? -1 : Int(needed)
    }

    /// Apostrophe look-alikes folded to U+0027: right/left single quotation marks, modifier
    /// letter apostrophe, prime, full-width apostrophe.
    static func isApostrophe(_ unit: UInt16) -> Bool {
        unit == 0x2019 || unit == 0x2018 || unit == 0x02BC || unit == 0x2032 || unit == 0xFF07 || unit == 0x27
    }

    /// Letters without a canonical decomposition that readers treat as plain Latin letters.
    static let letterFolds: [UInt32: [UInt16]] = [
        0x0153: [0x6F, 0x65],  // œ → oe
        0x00E6: [0x61, 0x65],  // æ → ae
        0x00F8: [0x6F],  // ø → o
        0x0142: [0x6C],  // ł → l
        0x0111: [0x64],  // đ → d
        0x00F0: [0x64],  // ð → d
        0x00FE: [0x74, 0x68],  // þ → th
        0x0127: [0x68],  // ħ → h
        0x0131: [0x69],  // ı → i
        0x0167: [0x74],  // ŧ → t
        0x00DF: [0x73, 0x73],  // ß → ss (case folding already does this; kept for safety)
    ]
}
