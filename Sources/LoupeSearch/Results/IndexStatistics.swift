import LoupeAnalysis
import LoupeFormat
import LoupeRead

/// What `loupe stats` and `serve`'s `/stats` say of an index: documents, tokens, terms,
/// segments, size and documents per language.
public struct IndexStatistics: Sendable {
    public var sourceRoot: String
    public var generation: Int
    public var documents: Int
    public var tokens: Int
    public var averageLength: Double
    /// Summed over segments (a term in two segments counts twice).
    public var terms: Int
    public var accentVariants: Int
    public var segments: Int
    public var deletedDocuments: Int
    public var bytes: Int
    public var languages: [Language: Int]
    /// Files the last runs read but did not index, and documents indexed only in part (a limit cut
    /// their text), each with why.
    public var skipped: [Manifest.SkippedFile]
    public var partial: [Manifest.PartialFile]
    /// The index's remembered settings (`ocr`: the OCR languages).
    public var settings: [String: String]

    public init(reader: IndexReader) throws {
        var languages: [Language: Int] = [:]
        var terms = 0, variants = 0, bytes = 0
        for segment in reader.segments {
            terms += segment.terms.termCount
            variants += segment.terms.accentVariantCount
            bytes += segment.byteSize
        }
        try reader.forEachLiveDocument { _, record in languages[Language(rawValue: record.language) ?? .other, default: 0] += 1 }
        sourceRoot = reader.manifest.sourceRoot
        generation = Int(reader.manifest.generation)
        documents = reader.docCount
        tokens = Int(reader.totalTokens)
        averageLength = reader.averageDocLength
        self.terms = terms
        accentVariants = variants
        segments = reader.segments.count
        deletedDocuments = reader.maxDoc - reader.docCount
        self.bytes = bytes
        self.languages = languages
        skipped = reader.manifest.skipped
        partial = reader.manifest.partial
        settings = reader.manifest.settings
    }

    /// `{"index", "source", "generation", "documents", "tokens", "average_length", "terms",
    /// "accent_variants", "segments", "deleted_documents", "bytes", "languages": {code: count},
    /// "skipped": count, "partial": [{"path", "reason"}], "ocr": languages or null}`.
    public func json(index: String) -> JSON {
        JSON.object([
            ("index", .string(index)),
            ("source", .string(sourceRoot)),
            ("generation", .int(generation)),
            ("documents", .int(documents)),
            ("tokens", .int(tokens)),
            ("average_length", .double(averageLength)),
            ("terms", .int(terms)),
            ("accent_variants", .int(accentVariants)),
            ("segments", .int(segments)),
            ("deleted_documents", .int(deletedDocuments)),
            ("bytes", .int(bytes)),
            ("languages", .object(Language.allCases.map { ($0.code, .int(languages[$0] ?? 0)) })),
            ("skipped", .int(skipped.count)),
            ("partial", .array(partial.map { .object([("path", .string($0.path)), ("reason", .string($0.reason))]) })),
            ("ocr", settings["ocr"].map { .string($0) } ?? .null),
        ])
    }
}
