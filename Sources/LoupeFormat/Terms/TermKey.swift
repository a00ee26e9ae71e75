import LoupeAnalysis

/// How a term is spelled in the dictionary: the analyzed term in UTF-8, then one byte naming the
/// language of the documents it comes from (`Language.rawValue`: 1 en, 2 fr, 3 es, 4 other).
/// A term's keys in every language are thus adjacent in the sorted dictionary (one block scan
/// finds them all, see `TermDictionary.lookup(term:languages:)`), while an English stem still
/// never collides with an unrelated French one. Words never contain bytes below 0x20, so the
/// last byte is always the language.
public enum TermKey {
    public static func make(_ language: Language, _ term: String) -> [UInt8] {
        var key = Array(term.utf8)
        appendLanguage(language, to: &key)
        return key
    }

    /// Completes a key whose term bytes are in `key`.
    @inline(__always)
    public static func appendLanguage(_ language: Language, to key: inout [UInt8]) {
        key.append(language.rawValue)
    }

    /// Splits a dictionary key back into language and term (nil for a malformed key).
    public static func split(_ key: [UInt8]) -> (Language, String)? {
        guard let last = key.last, let language = Language(rawValue: last) else { return nil }
        return (language, String(decoding: key.dropLast(), as: UTF8.self))
    }
}
