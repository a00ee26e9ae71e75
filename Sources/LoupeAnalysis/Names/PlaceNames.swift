import CICU

/// The names of countries (and other regions) and of languages in English, French and Spanish,
/// from ICU's own CLDR data — each region's display name in the three languages and CLDR's variant
/// name where it has one (`Côte d’Ivoire`, `Ivory Coast`, `Costa de Marfil`), each language's
/// display name (`German`, `allemand`, `alemán`): no list is written by hand. Names are folded as
/// queries are (`États-Unis` → `etats unis`), and a query that names a place or a language in one
/// of the three languages also searches its names in the others (see `ParsedQuery`).
///
/// Names of one or two letters, and names shared by two places or languages, are left out: they
/// would expand ordinary words.
public final class PlaceNames: Sendable {
    /// One place or language and its names.
    public struct Entry: Sendable {
        /// `region:DE` or `language:de`.
        public let id: String
        /// Its names as written (deduplicated by folded form), in English, French, then Spanish order.
        public let displayNames: [String]
        /// The same names as folded words.
        public let names: [[String]]
    }

    private static let built = Locked<PlaceNames?>(nil)

    /// The table, built on first use with `analyzer` folding the names (about 2 ms, once per
    /// process), then shared.
    public static func shared(folding analyzer: Analyzer) -> PlaceNames {
        built.withLock { table in
            if let table { return table }
            let made = PlaceNames(analyzer: analyzer)
            table = made
            return made
        }
    }

    public let entries: [Entry]
    /// Per folded first word, the names that start with it: (entry, name), longest first.
    private let byFirstWord: [String: [(entry: Int, name: Int)]]

    static let displayLocales = ["en", "fr", "es"]

    init(analyzer: Analyzer) {
        var raw: [(id: String, names: [String])] = []
        let variants = Self.displayLocales.map { cicu_variant_names_open($0) }
        defer { variants.forEach { cicu_variant_names_close($0) } }
        for code in Self.codes(cicu_iso_countries()) {
            var names: [String] = []
            for (l, locale) in Self.displayLocales.enumerated() {
                names += [Self.name(code, locale, cicu_region_name), Self.name(code, variants[l])].compactMap { $0 }
            }
            raw.append(("region:" + code, names))
        }
        for code in Self.codes(cicu_iso_languages()) where code.utf8.count == 2 {
            raw.append(("language:" + code, Self.displayLocales.compactMap { Self.name(code, $0, cicu_language_name) }))
        }
        // Fold every name; keep one of each folded form per entry, and drop forms two entries share.
        var folded: [(id: String, display: [String], names: [[String]])] = []
        // Per folded name (its words joined by spaces), the first entry that has it, or -1 when two do.
        var owners: [String: Int] = [:]
        for (i, entry) in raw.enumerated() {
            var display: [String] = [], names: [[String]] = []
            for name in entry.names {
                let words = Self.simpleFold(name) ?? analyzer.foldedWords(name).map(\.term)
                guard !words.isEmpty, !names.contains(words), !(words.count == 1 && words[0].unicodeScalars.count < 3) else { continue }
                display.append(name)
                names.append(words)
                let key = words.joined(separator: " ")
                owners[key] = owners[key].map { $0 == i ? i : -1 } ?? i
            }
            folded.append((entry.id, display, names))
        }
        var entries: [Entry] = []
        var index: [String: [(entry: Int, name: Int)]] = [:]
        for (i, entry) in folded.enumerated() {
            let kept = entry.names.indices.filter { owners[entry.names[$0].joined(separator: " ")] == i }
            guard kept.count >= 2 else { continue }  // a name with no other form expands to nothing
            let e = entries.count
            entries.append(Entry(id: entry.id, displayNames: kept.map { entry.display[$0] }, names: kept.map { entry.names[$0] }))
            for (n, name) in entries[e].names.enumerated() { index[name[0], default: []].append((e, n)) }
            _ = i
        }
        for key in index.keys { index[key]?.sort { entries[$0.entry].names[$0.name].count > entries[$1.entry].names[$1.name].count } }
        self.entries = entries
        byFirstWord = index
    }

    /// The folded words of a name of ASCII letters, spaces and hyphens (most English names), as
    /// the analyzer would give them, without it; nil for any other name.
    static func simpleFold(_ name: String) -> [String]? {
        var words: [String] = [], word: [UInt8] = []
        for b in name.utf8 {
            if b &- 0x41 < 26 || b &- 0x61 < 26 {
                word.append(b | 0x20)
            } else if b == 0x20 || b == 0x2D {
                if !word.isEmpty { words.append(String(decoding: word, as: UTF8.self)) }
                word.removeAll(keepingCapacity: true)
            } else {
                return nil
            }
        }
        if !word.isEmpty { words.append(String(decoding: word, as: UTF8.self)) }
        return words
    }

    /// The longest name that the folded `words` start with at `start`: its entry, which of the
    /// entry's names it is, and its length in words.
    public func match(_ words: [String], at start: Int) -> (entry: Int, name: Int, length: Int)? {
        guard start < words.count, let candidates = byFirstWord[words[start]] else { return nil }
        for (entry, name) in candidates {
            let form = entries[entry].names[name]
            if start + form.count <= words.count && Array(words[start..<(start + form.count)]) == form {
                return (entry, name, form.count)
            }
        }
        return nil
    }

    private static func codes(_ list: UnsafePointer<UnsafePointer<CChar>?>?) -> [String] {
        var codes: [String] = []
        var p = list
        while let entry = p?.pointee {
            codes.append(String(cString: entry))
            p = p.map { $0 + 1 }
        }
        return codes
    }

    private static func name(_ code: String, _ variants: OpaquePointer?) -> String? {
        var buffer = [CChar](repeating: 0, count: 512)
        let n = buffer.withUnsafeMutableBufferPointer { cicu_region_variant_name(variants, code, $0.baseAddress, Int32($0.count)) }
        guard n > 0 else { return nil }
        return String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func name(_ code: String, _ locale: String,
                             _ call: (UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafeMutablePointer<CChar>?, Int32) -> Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: 512)
        let n = buffer.withUnsafeMutableBufferPointer { call(code, locale, $0.baseAddress, Int32($0.count)) }
        guard n > 0 else { return nil }
        return String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
