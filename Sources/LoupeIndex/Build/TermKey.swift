import LoupeAnalysis

/// How a term is spelled in the dictionary: one byte naming the language of the documents it
/// comes from (`Language.rawValue`: 1 en, 2 fr, 3 es, 4 other), then the analyzed term in UTF-8.
/// Each language's terms thus live in their own range of the sorted dictionary, so an English
/// stem can never collide with an unrelated French one.
public enum TermKey {
    public static func make(_ language: Language, _ term: String) -> [UInt8] {
        var key: [UInt8] = [language.rawValue]
        key.append(contentsOf: term.utf8)
        return key
    }

    /// Splits a dictionary key back into language and term (nil for a malformed key).
    public static func split(_ key: [UInt8]) -> (Language, String)? {
        guard let first = key.first, let language = Language(rawValue: first) else { return nil }
        return (language, String(decoding: key.dropFirst(), as: UTF8.self))
    }
}
