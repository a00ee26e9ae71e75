/// Documents that are ZIP archives of XML (`ZipArchive`, `XMLEvents`): Word's DOCX and OpenDocument
/// text (ODT) (`XMLPackageExtractor`), and EPUB books (`EPUBExtractor`). Their text in document order, a line per paragraph; their title from
/// the package's metadata (`dc:title`), else the first line of the text. A damaged, encrypted or
/// oversized package is skipped with the reason.
public struct XMLPackageExtractor: DocumentExtractor {
    public let kind: String
    public let extensions: [String]
    /// The member holding the text, the one holding the metadata (`dc:title`), and what the text's
    /// XML elements mean (`OfficeText.Layout`).
    let body: String
    let metadata: String
    let layout: OfficeText.Layout
    /// What a file without `body` is not.
    let notA: String

    /// Word: text runs (`w:t`), tabs, line breaks; a paragraph (`w:p`) ends a line. Deleted text
    /// (`w:delText`) and field codes (`w:instrText`) are not text runs, so they are left out.
    public static let docx = XMLPackageExtractor(kind: "docx", extensions: ["docx"], body: "word/document.xml", metadata: "docProps/core.xml",
                                                 layout: OfficeText.Layout(textElements: ["t"], paragraphs: ["p"], spaces: ["tab"],
                                                                           lineBreaks: ["br", "cr"]),
                                                 notA: "a Word document")
    /// OpenDocument text: inside `office:body`, paragraphs and headings end a line; `text:s` is a
    /// space (or `text:c` of them), `text:tab` a tab, `text:line-break` a line break; every text
    /// node is text.
    public static let odt = XMLPackageExtractor(kind: "odt", extensions: ["odt"], body: "content.xml", metadata: "meta.xml",
                                                layout: OfficeText.Layout(textElements: nil, within: "body", paragraphs: ["p", "h"],
                                                                          spaces: ["s", "tab"], lineBreaks: ["line-break"]),
                                                notA: "an OpenDocument file")

    public func extract(_ bytes: [UInt8], fileName: String) -> Result<ExtractedDocument, ExtractionFailure> {
        OfficeText.extract(fileName: fileName) {
            var zip = try ZipArchive(bytes)
            guard let xml = try zip.read(body) else { throw ZipArchive.Failure(reason: "no \(body): not \(notA)") }
            let text = try OfficeText.paragraphs(xml, file: body, layout: layout)
            return (text, try OfficeText.title(in: metadata, of: &zip))
        }
    }
}

/// PowerPoint: the slides in the presentation's order (`ppt/presentation.xml`'s slide list, through
/// its relationships), each slide's text runs (`a:t`) a line per paragraph (`a:p`).
public struct PPTXExtractor: DocumentExtractor {
    public let kind = "pptx"
    public let extensions = ["pptx"]
    public init() {}
    static let layout = OfficeText.Layout(textElements: ["t"], paragraphs: ["p"], spaces: ["tab"], lineBreaks: ["br"])

    public func extract(_ bytes: [UInt8], fileName: String) -> Result<ExtractedDocument, ExtractionFailure> {
        OfficeText.extract(fileName: fileName) {
            var zip = try ZipArchive(bytes)
            guard let presentation = try zip.read("ppt/presentation.xml") else { throw ZipArchive.Failure(reason: "no ppt/presentation.xml: not a PowerPoint file") }
            var order: [String] = []
            try XMLEvents.read(presentation, file: "ppt/presentation.xml") { event in
                // The slide's relationship id is its `r:id` (the relationships namespace's `id`).
                if case .start("sldId", _, let attributes, _) = event,
                   let id = attributes.first(where: { $0.key.hasSuffix(":id") })?.value { order.append(id) }
            }
            var targets: [String: String] = [:]
            if let rels = try zip.read("ppt/_rels/presentation.xml.rels") {
                try XMLEvents.read(rels, file: "ppt/_rels/presentation.xml.rels") { event in
                    if case .start("Relationship", _, let attributes, _) = event, let id = attributes["Id"], let target = attributes["Target"] { targets[id] = target }
                }
            }
            // The slides the list names, in its order; else every slide member, by number.
            var slides = order.compactMap { targets[$0] }.map { OfficeText.resolve("ppt/" + $0) }
            if slides.isEmpty {
                slides = zip.members.map(\.name).filter { $0.hasPrefix("ppt/slides/slide") && $0.hasSuffix(".xml") }
                    .sorted { (Int($0.dropFirst(16).dropLast(4)) ?? 0) < (Int($1.dropFirst(16).dropLast(4)) ?? 0) }
            }
            var text: [UInt8] = []
            for slide in slides {
                guard let xml = try zip.read(slide) else { continue }
                OfficeText.appendPart(try OfficeText.paragraphs(xml, file: slide, layout: Self.layout), to: &text)
            }
            return (text, try OfficeText.title(in: "docProps/core.xml", of: &zip))
        }
    }
}

public struct EPUBExtractor: DocumentExtractor {
    public let kind = "epub"
    public let extensions = ["epub"]
    public init() {}

    public func extract(_ bytes: [UInt8], fileName: String) -> Result<ExtractedDocument, ExtractionFailure> {
        OfficeText.extract(fileName: fileName) {
            var zip = try ZipArchive(bytes)
            // META-INF/container.xml names the package document (OPF): its manifest maps ids to
            // files, its spine gives the reading order; each chapter is XHTML, read as HTML is.
            guard let container = try zip.read("META-INF/container.xml") else { throw ZipArchive.Failure(reason: "no META-INF/container.xml: not an EPUB") }
            var opfPath = ""
            try XMLEvents.read(container, file: "META-INF/container.xml") { event in
                if case .start("rootfile", _, let attributes, _) = event, opfPath.isEmpty { opfPath = attributes["full-path"] ?? "" }
            }
            guard let opf = try zip.read(opfPath) else { throw ZipArchive.Failure(reason: "the package document \(opfPath) is missing") }
            var items: [String: String] = [:], spine: [String] = []
            try XMLEvents.read(opf, file: opfPath) { event in
                guard case .start(let name, _, let attributes, _) = event else { return }
                if name == "item", let id = attributes["id"], let href = attributes["href"] { items[id] = href }
                if name == "itemref", let id = attributes["idref"], attributes["linear"] != "no" { spine.append(id) }
            }
            let base = opfPath.lastIndex(of: "/").map { String(opfPath[...$0]) } ?? ""
            var text: [UInt8] = []
            for id in spine {
                guard let href = items[id], let chapter = try zip.read(OfficeText.resolve(base + OfficeText.percentDecoded(href))) else { continue }
                var (chapterText, chapterTitle, _) = HTMLText.extract(chapter)
                // A chapter's `<title>` is a label (often its file name), not text of the book.
                let label = Array(chapterTitle.utf8)
                if !label.isEmpty && chapterText.starts(with: label) {
                    chapterText.removeFirst(label.count)
                    while let first = chapterText.first, first == 0x20 || first == 0x0A { chapterText.removeFirst() }
                }
                OfficeText.appendPart(chapterText, to: &text)
            }
            let title = try XMLEvents.firstText(of: "title", in: opf, file: opfPath)
            return (text, title)
        }
    }
}

/// What the ZIP-and-XML extractors share.
enum OfficeText {
    /// Runs `body` and turns its outcome into an extraction result: no text is `.empty`, a
    /// package or XML failure a skip with its reason.
    static func extract(fileName: String, _ body: () throws -> (text: [UInt8], title: String)) -> Result<ExtractedDocument, ExtractionFailure> {
        do {
            var (text, title) = try body()
            guard text.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x09 }) else { return .failure(.empty) }
            // A package's parts are UTF-8 (or say otherwise, which the XML parser honours); a
            // damaged part can still hold invalid sequences (an EPUB chapter is read as HTML
            // bytes): each becomes U+FFFD, so stored text is always UTF-8.
            if String(validating: text, as: UTF8.self) == nil { text = Array(String(decoding: text, as: UTF8.self).utf8) }
            return .success(ExtractedDocument(text: text, title: title.isEmpty ? Titles.withoutHeadingMarks(Titles.firstLine(text)) : title))
        } catch let failure as ZipArchive.Failure {
            return .failure(.unreadable(failure.reason))
        } catch let failure as XMLEvents.Failure {
            return .failure(.unreadable(failure.reason))
        } catch {
            return .failure(.unreadable("\(error)"))
        }
    }

    /// What the elements of a package's text mean (element local names, any namespace): the text
    /// is that of `textElements` (nil: every text node), only inside the element `within` when
    /// given; a newline after each of `paragraphs`, a space for each of `spaces`, a newline for
    /// each of `lineBreaks`.
    struct Layout: Sendable {
        var textElements: Set<String>?
        var within: String? = nil
        var paragraphs: Set<String>
        var spaces: Set<String>
        var lineBreaks: Set<String>
    }

    /// The text of an XML body laid out as `layout` says.
    static func paragraphs(_ xml: [UInt8], file: String, layout: Layout) throws -> [UInt8] {
        let (textElements, within, paragraphs, spaces, lineBreaks) = (layout.textElements, layout.within, layout.paragraphs, layout.spaces, layout.lineBreaks)
        var out: [UInt8] = []
        var inText = 0, inScope = within == nil ? 1 : 0
        try XMLEvents.read(xml, file: file) { event in
            switch event {
            case .start(let name, _, let attributes, let empty):
                if name == within && !empty { inScope += 1 }
                guard inScope > 0 else { return }
                if let textElements, textElements.contains(name), !empty { inText += 1 }
                if spaces.contains(name) {
                    // `text:s` may stand for several spaces (`text:c`).
                    let count = min(Int(attributes["c"] ?? "1") ?? 1, 64)
                    out += [UInt8](repeating: 0x20, count: max(1, count))
                }
                if lineBreaks.contains(name) { out.append(0x0A) }
            case .end(let name, _):
                if name == within { inScope -= 1 }
                guard inScope > 0 else { return }
                if let textElements, textElements.contains(name) { inText -= 1 }
                if paragraphs.contains(name) && out.last != 0x0A && !out.isEmpty { out.append(0x0A) }
            case .text(let t):
                if inScope > 0 && (textElements == nil || inText > 0) { out += t }
            }
        }
        return out
    }

    /// `%20`-style escapes of a URL path decoded (an EPUB's `href`s are URLs).
    static func percentDecoded(_ s: String) -> String {
        var out: [UInt8] = [], i = 0
        let bytes = Array(s.utf8)
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x41...0x46: return b - 0x37
            case 0x61...0x66: return b - 0x57
            default: return nil
            }
        }
        while i < bytes.count {
            if bytes[i] == 0x25, i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The `dc:title` in the package's metadata member `member` ("" when there is none).
    static func title(in member: String, of zip: inout ZipArchive) throws -> String {
        try zip.read(member).map { try XMLEvents.firstText(of: "title", in: $0, file: member) } ?? ""
    }

    /// Appends one part of a document (a slide, a chapter) to its text, on a line of its own.
    static func appendPart(_ part: [UInt8], to text: inout [UInt8]) {
        if !text.isEmpty && text.last != 0x0A { text.append(0x0A) }
        text += part
    }

    /// A path inside the archive with `.` and `..` steps resolved.
    static func resolve(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == ".." { if !parts.isEmpty { parts.removeLast() } } else if part != "." { parts.append(part) }
        }
        return parts.joined(separator: "/")
    }
}
