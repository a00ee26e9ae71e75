/// The extractors a build uses, chosen by file extension (any ASCII case). The walk indexes only
/// files with an extension some extractor claims; a name it does not know is read as plain text.
public struct ExtractorRegistry: Sendable {
    /// Text, Markdown, HTML, PDF, DOCX, ODT, PPTX and EPUB.
    public static let standard = ExtractorRegistry(ocr: nil)

    /// The standard extractors; with `ocr`, PDFs' pages without a text layer are recognised, and
    /// PNG, JPEG and TIFF files are read too (`ImageExtractor`).
    public init(ocr: OCROptions?) {
        self.init([PlainTextExtractor(), MarkdownExtractor(), HTMLExtractor(), PDFExtractor(ocr: ocr),
                   XMLPackageExtractor.docx, XMLPackageExtractor.odt, PPTXExtractor(), EPUBExtractor()]
                  + (ocr.map { [ImageExtractor(ocr: $0)] } ?? []))
    }

    /// The registry an index's settings call for (`Manifest.settings`: `ocr`), for telling which
    /// files of its directory it indexes.
    public init(settings: [String: String]) {
        self.init(ocr: settings["ocr"].map { OCROptions(languages: $0) })
    }

    public let extractors: [any DocumentExtractor]
    /// Every claimed extension as lower-case bytes, with the index of its extractor (what the walk
    /// compares each directory entry with, in place).
    private let extensionBytes: [[UInt8]]
    private let owners: [Int]
    private let fallback: any DocumentExtractor = PlainTextExtractor()

    /// Extractors earlier in the list win an extension claimed twice.
    public init(_ extractors: [any DocumentExtractor]) {
        self.extractors = extractors
        var bytes: [[UInt8]] = [], owners: [Int] = []
        for (i, extractor) in extractors.enumerated() {
            for ext in extractor.extensions where !bytes.contains(Array(ext.utf8)) {
                bytes.append(Array(ext.utf8))
                owners.append(i)
            }
        }
        extensionBytes = bytes
        self.owners = owners
    }

    /// True when the name has an extension an extractor claims, and a stem before it.
    public func isIndexable(_ name: String) -> Bool {
        extensionIndex(name, needsStem: true) != nil
    }

    /// The extractor for a file name (the fallback, plain text, for an unclaimed extension).
    public func extractor(for fileName: String) -> any DocumentExtractor {
        extensionIndex(fileName, needsStem: false).map { extractors[owners[$0]] } ?? fallback
    }

    /// How many plain files a file of this name counts for in a worker's chunk (its extractor's
    /// `chunkWeight`).
    public func chunkWeight(of fileName: String) -> Int {
        extensionIndex(fileName, needsStem: false).map { extractors[owners[$0]].chunkWeight } ?? 1
    }

    /// The document in a file's bytes, by the extractor its name calls for.
    public func extract(_ bytes: [UInt8], fileName: String) -> Result<ExtractedDocument, ExtractionFailure> {
        extractor(for: fileName).extract(bytes, fileName: fileName)
    }

    /// Which of `extensionBytes` the name's extension (after its last dot, at most 8 bytes, any
    /// ASCII case) is. With `needsStem`, a name that starts with that dot does not count.
    /// Compares in place: the walk calls it for every entry.
    private func extensionIndex(_ name: String, needsStem: Bool) -> Int? {
        var name = name
        return name.withUTF8 { bytes in
            guard let dot = bytes.lastIndex(of: 0x2E), dot > 0 || !needsStem, bytes.count - dot - 1 <= 8 else { return nil }
            let ext = bytes[(dot + 1)...]
            return extensionBytes.firstIndex { known in
                known.count == ext.count && zip(known, ext).allSatisfy { $0 == ($1 &- 0x41 < 26 ? $1 | 0x20 : $1) }
            }
        }
    }
}
