/// The languages the analysis chain knows how to stem. Everything else is `other`:
/// folded and indexed, but never stemmed.
public enum Language: UInt8, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case english = 1
    case french = 2
    case spanish = 3
    case other = 4

    /// ISO 639-1 code, or "other".
    public var code: String {
        switch self {
        case .english: return "en"
        case .french: return "fr"
        case .spanish: return "es"
        case .other: return "other"
        }
    }

    public init?(code: String) {
        switch code.lowercased() {
        case "en", "english": self = .english
        case "fr", "french": self = .french
        case "es", "spanish": self = .spanish
        case "other", "none", "xx": self = .other
        default: return nil
        }
    }

    public var description: String { code }

    /// The stemmer for this language, or nil for `other`.
    public var stemmer: (any Stemmer)? {
        switch self {
        case .english: return EnglishStemmer()
        case .french: return FrenchStemmer()
        case .spanish: return SpanishStemmer()
        case .other: return nil
        }
    }
}
