/// Function words per language, in folded form (lowercase, no accents).
///
/// They are indexed like any word (so phrases such as "cote d'ivoire" keep their positions) but
/// never stemmed, and the query side leaves them out of OR queries that have other words, so
/// "de la", "the" or "le" cannot dominate a ranking. Language detection counts them.
public enum StopWords {
    public static let english: Set<String> = [
        "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before", "being",
        "between", "both", "but", "by", "can", "could", "did", "do", "does", "during", "each", "for", "from", "had",
        "has", "have", "he", "her", "here", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "may",
        "more", "most", "much", "must", "my", "no", "not", "of", "on", "only", "or", "other", "our", "out", "over",
        "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they",
        "this", "those", "through", "to", "under", "up", "very", "was", "we", "were", "what", "when", "where", "which",
        "while", "who", "whom", "why", "will", "with", "would", "you", "your",
    ]

    public static let french: Set<String> = [
        "a", "ai", "au", "aux", "avec", "avait", "c", "ce", "ces", "cette", "comme", "d", "dans", "de", "des", "du",
        "elle", "elles", "en", "est", "et", "etait", "ete", "etre", "eu", "il", "ils", "j", "je", "l", "la", "le",
        "les", "leur", "leurs", "lui", "m", "mais", "me", "meme", "mes", "moi", "mon", "n", "ne", "nos", "notre",
        "nous", "on", "ont", "ou", "par", "pas", "pour", "qu", "que", "qui", "s", "sa", "sans", "se", "ses", "si",
        "son", "sont", "sur", "t", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "y",
        "dont", "ainsi", "aussi", "apres", "avant", "depuis", "entre", "sous", "selon", "tres", "plus", "tout", "tous",
    ]

    public static let spanish: Set<String> = [
        "a", "al", "algo", "como", "con", "cual", "cuando", "de", "del", "desde", "donde", "e", "el", "ella", "ellas",
        "ellos", "en", "entre", "era", "es", "esa", "esas", "ese", "eso", "esos", "esta", "estas", "este", "esto",
        "estos", "fue", "fueron", "ha", "han", "hasta", "hay", "la", "las", "le", "les", "lo", "los", "mas", "me",
        "mi", "muy", "ni", "no", "nos", "o", "para", "pero", "por", "porque", "que", "quien", "se", "segun", "ser",
        "si", "sin", "sobre", "su", "sus", "tambien", "te", "tiene", "tienen", "todo", "todos", "tras", "u", "un",
        "una", "unas", "uno", "unos", "y", "ya", "yo", "sido", "son", "esta", "estan", "ante", "bajo", "durante",
    ]

    /// The stopword list for a language (empty for `other`).
    public static func list(for language: Language) -> Set<String> {
        switch language {
        case .english: return english
        case .french: return french
        case .spanish: return spanish
        case .other: return []
        }
    }

    /// True when `term` (folded) is a function word in any of the three languages.
    public static func isStopWord(_ term: String) -> Bool {
        english.contains(term) || french.contains(term) || spanish.contains(term)
    }

    /// True when the folded UTF-8 `word` is in `language`'s list, as `list(for:).contains` says,
    /// without building a String (the inverter asks for every new spelling). Every stop word is
    /// at most 8 bytes long (`StopWordsTests` checks it), so longer words are never one.
    public static func contains(_ word: UnsafeBufferPointer<UInt8>, language: Language) -> Bool {
        guard let packed = PackedWordTable<UInt8>.pack(word), let languages = packedLists.find(packed) else { return false }
        return languages & (1 << language.rawValue) != 0
    }

    /// Each stop word, packed, with a bit per language (1 << rawValue) whose list holds it.
    private static let packedLists: PackedWordTable<UInt8> = {
        var masks: [UInt64: UInt8] = [:]
        for language in Language.allCases {
            for word in list(for: language) where word.utf8.count <= 8 {
                masks[PackedWordTable<UInt8>.pack(word), default: 0] |= 1 << language.rawValue
            }
        }
        return PackedWordTable(masks.map { ($0.key, $0.value) }, absent: 0)
    }()
}
