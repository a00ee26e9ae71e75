import LoupeAnalysis
import LoupeIndex
import LoupeSearch

/// An HTTP answer before it meets the server: status, content type and body.
public struct APIResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: String

    static func json(_ value: JSON, status: Int = 200) -> APIResponse {
        APIResponse(status: status, contentType: "application/json; charset=utf-8", body: value.rendered)
    }

    /// `{"error": message}` with a 4xx or 5xx status.
    static func error(_ status: Int, _ message: String) -> APIResponse {
        json(.object([("error", .string(message))]), status: status)
    }
}

/// What `loupe serve` answers, route by route, independent of the HTTP server: each takes the
/// request's query parameters and returns an `APIResponse`. Every input is bounded (a bad one is
/// a 400 with a JSON error body); documents are addressed by id, never by path.
public struct SearchAPI: Sendable {
    public let index: IndexHandle

    /// Bounds on what a request may ask.
    public static let maxQueryBytes = 512
    public static let maxK = 100
    public static let maxOffset = 1000
    /// A document's text sent by `/doc/` stops here (with `"truncated": true`).
    public static let maxDocumentBytes = 4 << 20

    public init(index: IndexHandle) {
        self.index = index
    }

    /// `GET /search?q=&k=&offset=&lang=&explain=&passages=&facets=`: `loupe search --json`'s
    /// object (`passages=N`: each hit's N best passages, as `--passages`). With
    /// `facets=1`, also `"facets": {"languages": {code: matching documents}}` (the query's hits
    /// per language, whatever `lang` says), for the page's language filter.
    public func search(_ parameters: [String: String]) -> APIResponse {
        let query: String
        switch Self.query(parameters["q"]) {
        case .success(let q): query = q
        case .failure(let error): return error.response
        }
        guard let k = Self.integer(parameters["k"], default: 10, in: 1...Self.maxK) else {
            return .error(400, "k must be an integer from 1 to \(Self.maxK)")
        }
        guard let offset = Self.integer(parameters["offset"], default: 0, in: 0...Self.maxOffset) else {
            return .error(400, "offset must be an integer from 0 to \(Self.maxOffset)")
        }
        var languages: Set<Language>?
        if let lang = parameters["lang"], !lang.isEmpty {
            let codes = lang.split(separator: ",").map(String.init)
            let parsed = codes.compactMap { Language(code: $0) }
            guard parsed.count == codes.count, codes.count <= 4 else { return .error(400, "lang takes en, fr, es or other, comma-separated") }
            languages = Set(parsed)
        }
        guard let passages = Self.integer(parameters["passages"], default: 0, in: 0...10) else {
            return .error(400, "passages must be an integer from 0 to 10")
        }
        let explain = Self.flag(parameters["explain"])
        let facets = Self.flag(parameters["facets"])
        do {
            return try index.withSearcher { searcher in
                var counts: [(String, JSON)] = []
                if facets {
                    for language in Language.allCases {
                        searcher.filter = SearchFilter(languages: [language])
                        let ranked = try searcher.search(query, k: 1, countTotal: true)
                        counts.append((language.code, .int(ranked.totalHits ?? ranked.hits.count)))
                    }
                }
                searcher.filter = SearchFilter(languages: languages)
                let response = try searcher.respond(to: query, k: k, offset: offset, explain: explain, passages: passages)
                guard facets, case .object(var fields) = response.json else { return .json(response.json) }
                fields.append(("facets", .object([("languages", .object(counts))])))
                return .json(.object(fields))
            }
        } catch let error as QuerySyntaxError {
            // A query the parser refuses (`mali AND`): the user's to fix.
            return .error(400, "\(error)")
        } catch IndexError.invalidInput(let message) {
            // A pattern that matches too many terms (`a*`): the user's to fix too.
            return .error(400, message)
        } catch {
            return .error(500, "\(error)")
        }
    }

    /// `GET /doc/ID?q=`: the document's stored text with the query's matches, `{"id", "path",
    /// "title", "language", "charset", "text", "highlights": [[start, end], …], "truncated"}`
    /// (offsets in Unicode scalars of `text`; a PDF's pages separated by a form feed).
    public func document(id: String, parameters: [String: String]) -> APIResponse {
        guard let doc = Int(id), doc >= 0 else { return .error(400, "a document id is a number (from a search hit's \"id\")") }
        var query = ""
        if let q = parameters["q"] {
            switch Self.query(q) {
            case .success(let text): query = text
            case .failure(let error): return error.response
            }
        }
        do {
            return try index.withSearcher { searcher in
                let reader = searcher.reader
                guard doc < reader.maxDoc, !reader.isDeleted(doc) else { return .error(404, "no document \(doc) in this index") }
                let record = try reader.record(doc)
                var text = try reader.text(doc)
                var truncated = false
                if text.count > Self.maxDocumentBytes {
                    var cut = Self.maxDocumentBytes
                    while cut > 0 && text[cut] & 0xC0 == 0x80 { cut -= 1 }
                    text.removeSubrange(cut...)
                    truncated = true
                }
                // A recognised page's OCR marks become spaces: offsets stay those of the stored text.
                var i = 0
                while let mark = text[i...].firstIndex(of: StoredTextMarks.ocrMark) {
                    if StoredTextMarks.ocrConfidence(text, at: mark) != nil {
                        for j in mark..<(mark + StoredTextMarks.ocrMarkLength) { text[j] = 0x20 }
                    }
                    i = mark + 1
                }
                let language = Language(rawValue: record.language) ?? .other
                var highlights: [Range<Int>] = []
                if !query.isEmpty, let plan = try? searcher.plan(query) {
                    highlights = searcher.matchRanges(of: plan, in: text, language: language)
                }
                return .json(.object([
                    ("id", .int(doc)),
                    ("path", .string(record.path)),
                    ("title", .string(record.title)),
                    ("language", .string(language.code)),
                    ("charset", .string(record.charset)),
                    ("text", .string(String(decoding: text, as: UTF8.self))),
                    ("highlights", .array(Self.scalarRanges(highlights, in: text).map { .array([.int($0.lowerBound), .int($0.upperBound)]) })),
                    ("truncated", .bool(truncated)),
                ]))
            }
        } catch {
            return .error(500, "\(error)")
        }
    }

    /// `GET /suggest?q=`: `{"query", "suggestions": [{"term", "documents"}]}`, the commonest
    /// indexed words that start with the query's last word.
    public func suggest(_ parameters: [String: String]) -> APIResponse {
        let query: String
        switch Self.query(parameters["q"]) {
        case .success(let q): query = q
        case .failure(let error): return error.response
        }
        guard let limit = Self.integer(parameters["k"], default: 8, in: 1...50) else { return .error(400, "k must be an integer from 1 to 50") }
        do {
            let completions = try index.withSearcher { try $0.completions(of: query, limit: limit) }
            return .json(.object([
                ("query", .string(query)),
                ("suggestions", .array(completions.map { .object([("term", .string($0.term)), ("documents", .int($0.docFreq))]) })),
            ]))
        } catch {
            return .error(500, "\(error)")
        }
    }

    /// `GET /stats`: `loupe stats --json`'s object.
    public func stats() -> APIResponse {
        do {
            return .json(try IndexStatistics(reader: index.reader()).json(index: index.path))
        } catch {
            return .error(500, "\(error)")
        }
    }

    /// `GET /health`: `{"status": "ok", "generation", "documents"}`.
    public func health() -> APIResponse {
        let reader = index.reader()
        return .json(.object([("status", .string("ok")), ("generation", .int(Int(reader.manifest.generation))), ("documents", .int(reader.docCount))]))
    }

    // MARK: Inputs

    struct BadRequest: Error {
        var message: String
        var response: APIResponse { .error(400, message) }
    }

    static func query(_ text: String?) -> Result<String, BadRequest> {
        guard let text, text.contains(where: { !$0.isWhitespace }) else { return .failure(BadRequest(message: "q is missing: give some words to search for")) }
        guard text.utf8.count <= maxQueryBytes else { return .failure(BadRequest(message: "q is longer than \(maxQueryBytes) bytes")) }
        return .success(text)
    }

    static func integer(_ text: String?, default value: Int, in range: ClosedRange<Int>) -> Int? {
        guard let text, !text.isEmpty else { return value }
        guard let n = Int(text), range.contains(n) else { return nil }
        return n
    }

    static func flag(_ text: String?) -> Bool {
        guard let text else { return false }
        return text == "1" || text == "true" || text == "yes"
    }

    /// Byte ranges of UTF-8 `text` as ranges of Unicode scalars.
    static func scalarRanges(_ ranges: [Range<Int>], in text: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        out.reserveCapacity(ranges.count)
        var byte = 0, scalar = 0
        func advance(to target: Int) {
            while byte < target && byte < text.count {
                if text[byte] & 0xC0 != 0x80 { scalar += 1 }
                byte += 1
            }
        }
        for range in ranges {
            advance(to: range.lowerBound)
            let start = scalar
            advance(to: range.upperBound)
            out.append(start..<scalar)
        }
        return out
    }
}
