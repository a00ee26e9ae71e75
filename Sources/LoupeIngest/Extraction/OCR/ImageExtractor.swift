/// PNG, JPEG and TIFF files, read by OCR (only in a build with `--ocr`: without it the walk does not
/// list images). A TIFF's pages are separated by form feeds as a PDF's are. The title is the first
/// line recognised.
public struct ImageExtractor: DocumentExtractor {
    public let kind = "image"
    public let extensions = OCROptions.imageExtensions
    /// Recognising a page takes seconds: an image is a chunk of its own.
    public var chunkWeight: Int { 1 << 20 }
    public var ocr: OCROptions

    public init(ocr: OCROptions) {
        self.ocr = ocr
    }

    public func extract(_ bytes: [UInt8], fileName: String) -> Result<ExtractedDocument, ExtractionFailure> {
        guard !bytes.isEmpty else { return .failure(.empty) }
        switch OCRReader(options: ocr).read(bytes, pages: nil) {
        case .failure(let failure):
            return .failure(failure)
        case .success(let result):
            let text = result.text
            guard text.contains(where: { $0 > 0x20 }) else {
                return .failure(.unreadable(result.skipped.first.map { "OCR skipped it: \($0.reason)" } ?? "OCR found no text in the image"))
            }
            var document = ExtractedDocument(text: text, title: Titles.firstLine(text))
            document.cut = result.notes.isEmpty ? nil : result.notes.joined(separator: "; ")
            return .success(document)
        }
    }
}
