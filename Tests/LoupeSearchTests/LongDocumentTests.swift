import Foundation
import LoupeAnalysis
import LoupeFormat
import LoupeIndex
import Testing
@testable import LoupeSearch

/// A hit in a long document is shown from windows of its text (`LongTextWindows`): the same
/// passages, lines and sections as reading the whole text, for a small part of the reading.
@Suite struct LongDocumentTests {
    /// A Markdown report of about 1.3 MB: numbered filler lines (no two alike), a heading every
    /// 500 lines, and three lines holding the query's words far apart.
    static func report() -> String {
        var lines: [String] = []
        for i in 0..<16_000 {
            if i % 500 == 0 { lines.append("## Partie \(i / 500 + 1)") }
            switch i {
            case 3_000: lines.append("Les soldats de l’armée quittent Gao.")
            case 9_000: lines.append("À Tombouctou, l’armée malienne et les soldats russes patrouillent ensemble le long du fleuve.")
            case 15_000: lines.append("Un soldat raconte son retour.")
            default: lines.append("Ligne \(i) : le marché ouvre tôt et les camions arrivent de la capitale avant l’aube.")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func marked(_ s: Snippet) -> [String] {
        let scalars = Array(s.text.unicodeScalars)
        return s.highlights.map { String(String.UnicodeScalarView(scalars[$0])) }
    }

    @Test func aLongDocumentShowsWhatItsWholeTextShows() throws {
        let text = Self.report()
        let (dir, reader) = try #require(makeSmallIndex(["rapport.md": text]))
        _ = dir
        let record = try reader.record(0)
        let checkpoints = try #require(record.checkpoints)
        #expect(record.textLength > 1_000_000)
        #expect(checkpoints.interval == TextCheckpoints.defaultInterval)
        #expect(checkpoints.points.count == (checkpoints.textPositions + checkpoints.interval - 1) / checkpoints.interval)

        let searcher = try Searcher(reader: reader)
        let query = "soldats armée tombouctou"
        let response = try searcher.respond(to: query, k: 1, passages: 3)
        let hit = try #require(response.hits.first)

        // The same passages as PassageBuilder over the whole text.
        let stored = try reader.text(0)
        let plan = try searcher.search(query, k: 1).plan
        let language = Language(rawValue: record.language) ?? .other
        let whole = PassageBuilder().passages(text: stored, language: language, plan: plan, analyzer: try Analyzer(),
                                              sentences: try SentenceBreaker(), count: 3, paged: false)
        #expect(hit.passages.map(\.snippet.text) == whole.map(\.snippet.text))
        #expect(hit.passages.map(\.rank) == whole.map(\.rank))
        #expect(hit.passages.map(\.line) == whole.map(\.line))
        #expect(hit.passages.map(\.section) == whole.map(\.section))
        #expect(hit.passages.map(\.snippet.textOffset) == whole.map(\.snippet.textOffset))
        #expect(hit.passages.map(\.score) == whole.map(\.score))

        // Placed where they are: lines counted from the document's start, sections named.
        #expect(hit.passages.map(\.line) == [3_008, 9_020, 15_032])
        #expect(hit.passages.map(\.section) == ["Partie 7", "Partie 19", "Partie 31"])
        #expect(hit.passages.map(\.rank) == [2, 1, 3])
        #expect(marked(hit.passages[1].snippet) == ["Tombouctou", "armée", "soldats"])
        #expect(hit.passages[0].snippet.text.hasPrefix("…Les soldats de l’armée quittent Gao."))
        // The snippet: the whole text's.
        let snippet = SnippetBuilder().snippet(text: stored, language: language, plan: plan, analyzer: try Analyzer())
        #expect(hit.snippet == snippet)
        #expect(marked(hit.snippet) == ["Tombouctou", "armée", "soldats"])
    }

    /// A paged text (a PDF's: pages end at form feeds): pages counted from the checkpoints are
    /// the whole text's.
    @Test func aLongPagedTextSaysItsPages() throws {
        let text = Self.report().split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset > 0 && $0.offset % 300 == 0 ? "\u{0C}" + $0.element : String($0.element) }.joined(separator: "\n")
        let (dir, reader) = try #require(makeSmallIndex(["rapport.txt": text]))
        _ = dir
        let record = try reader.record(0)
        let searcher = try Searcher(reader: reader)
        let query = "soldats armée tombouctou"
        let plan = try searcher.search(query, k: 1).plan
        let language = Language(rawValue: record.language) ?? .other
        let shown = try searcher.longTextHit(doc: 0, record: record, checkpoints: try #require(record.checkpoints), language: language,
                                             plan: plan, passages: 3, paged: true)
        let stored = try reader.text(0)
        let whole = PassageBuilder().passages(text: stored, language: language, plan: plan, analyzer: try Analyzer(),
                                              sentences: try SentenceBreaker(), count: 3, paged: true)
        #expect(shown.passages.map(\.page) == whole.map(\.page))
        #expect(shown.passages.compactMap(\.page) == [11, 31, 51])
        #expect(shown.passages.map(\.snippet.text) == whole.map(\.snippet.text))
        let snippet = SnippetBuilder().snippet(text: stored, language: language, plan: plan, analyzer: try Analyzer())
        #expect(shown.page == StoredTextMarks.page(of: snippet.textOffset, in: stored))
        #expect(shown.page == 31)
    }

    @Test func onlyWindowsAroundTheMatchesAreRead() throws {
        let text = Self.report()
        let (dir, reader) = try #require(makeSmallIndex(["rapport.md": text]))
        _ = dir
        let record = try reader.record(0)
        let searcher = try Searcher(reader: reader)
        let plan = try searcher.search("soldats armée tombouctou", k: 1).plan
        let shown = try searcher.longTextHit(doc: 0, record: record, checkpoints: try #require(record.checkpoints),
                                             language: .french, plan: plan, passages: 3, paged: false)
        #expect(shown.passages.count == 3)
        // Three windows of a few intervals each, not 1.3 MB.
        #expect(shown.bytesRead > 0 && shown.bytesRead < 60_000, "read \(shown.bytesRead) of \(record.textLength) bytes")

        // A word on every heading: two passages, each on its heading's line, marked.
        let headings = try searcher.respond(to: "partie", k: 1, passages: 2)
        let first = try #require(headings.hits.first)
        #expect(first.passages.count == 2)
        #expect(first.passages.allSatisfy { marked($0.snippet) == ["Partie"] })
    }

    /// Lines, pages, sections and OCR marks counted in a window from its checkpoint are those
    /// counted from the whole text's start, at every offset.
    @Test func aWindowCountsAsTheWholeTextDoes() throws {
        var rng = SplitMix(seed: 29)
        for round in 0..<20 {
            // Random words, lines, page breaks (some pages recognised by OCR) and headings.
            var bytes: [UInt8] = []
            var offsets: [Int] = []
            var words = 0
            while bytes.count < 40_000 {
                switch rng.below(40) {
                case 0: bytes += [0x0A]
                case 1:
                    bytes += [StoredTextMarks.pageBreak]
                    if rng.below(2) == 0 { bytes += StoredTextMarks.ocrPage(confidence: rng.below(100)) }
                case 2: bytes += Array("\n## Titre \(rng.below(50))\n".utf8)
                default:
                    if words % 64 == 0 { offsets.append(bytes.count) }
                    words += 1
                    bytes += Array("mot\(rng.below(900)) ".utf8)
                }
            }
            let checkpoints = bytes.withUnsafeBufferPointer { TextCheckpoints.make(text: $0, wordOffsets: offsets, textPositions: words, interval: 64) }
            let paged = round % 2 == 0
            let all = bytes
            for _ in 0..<40 {
                let point = checkpoints.points[rng.below(checkpoints.points.count)]
                let end = min(bytes.count, point.offset + 1 + rng.below(5_000))
                let window = Array(bytes[point.offset..<end])
                let placement = TextPlacement(base: point.offset, point: point, read: { Array(all[$0]) }, documentLength: bytes.count)
                let local = rng.below(window.count)
                let global = point.offset + local
                #expect(placement.line(of: local, in: window) == StoredTextMarks.line(of: global, in: bytes))
                #expect(placement.page(of: local, in: window) == StoredTextMarks.page(of: global, in: bytes))
                #expect(placement.section(of: local, in: window) == SnippetBuilder.section(of: global, in: bytes))
                #expect(placement.ocrConfidence(ofPageAt: local, in: window, paged: paged)
                        == StoredTextMarks.ocrConfidence(ofPageAt: global, in: bytes, paged: paged))
            }
        }
    }
}
