extension SearchResponse {
    /// The response as `loupe search --json` prints it (and `serve` will answer): `{"query",
    /// "total_hits", "took_ms", "hits": [{"rank", "id", "path", "title", "score", "language", "charset", "snippet":
    /// {"text", "highlights": [[start, end], …]}, "page" (PDFs only), "passages" (when asked: [{"text",
    /// "highlights", "score", "rank", "line", "page", "section"}] in document order)}], "translations": [names],
    /// "suggestion": text or null}`; highlights are
    /// [start, end) offsets into the snippet's text in Unicode scalars; `translations` are the other
    /// languages' names of places and languages the query names, which were searched too;
    /// `"stale": {"checked", "added", "changed", "removed"}` says whether the indexed directory
    /// changed since the index, when the caller looked (null otherwise).
    public var json: JSON {
        let r = self
        return JSON.object([
            ("query", .string(r.query)),
            ("total_hits", .int(r.totalHits)),
            ("took_ms", .double((r.tookMilliseconds * 1000).rounded() / 1000)),
            ("hits", .array(r.hits.map(\.json))),
            ("translations", .array(r.translations.map { .string($0) })),
            ("suggestion", r.suggestion.map { .string($0) } ?? .null),
            ("stale", r.stale.map { s in
                .object([("checked", .bool(s.checked)), ("added", .int(s.added)), ("changed", .int(s.changed)), ("removed", .int(s.removed))])
            } ?? .null),
        ])
    }
}

extension SearchHit {
    /// One hit as the `hits` of `SearchResponse.json` list it (and `--format jsonl` prints it, a line
    /// each), with `"explain": {"value", "description", "details"}` when it was explained.
    public var json: JSON {
        let hit = self
        var fields: [(String, JSON)] = [
            ("rank", .int(hit.rank)),
            ("id", .int(hit.doc)),
            ("path", .string(hit.path)),
            ("title", .string(hit.title)),
            ("score", .double(hit.score)),
            ("language", .string(hit.language.code)),
            ("charset", .string(hit.charset)),
            ("snippet", .object([
                ("text", .string(hit.snippet.text)),
                ("highlights", .array(hit.snippet.highlights.map { .array([.int($0.lowerBound), .int($0.upperBound)]) })),
            ])),
        ]
        if let page = hit.page { fields.append(("page", .int(page))) }
        if let confidence = hit.ocrConfidence { fields += [("ocr", .bool(true)), ("ocr_confidence", .int(confidence))] }
        if !hit.passages.isEmpty {
            fields.append(("passages", .array(hit.passages.map { p in
                var passage: [(String, JSON)] = [
                    ("text", .string(p.snippet.text)),
                    ("highlights", .array(p.snippet.highlights.map { .array([.int($0.lowerBound), .int($0.upperBound)]) })),
                    ("score", .double((p.score * 1000).rounded() / 1000)),
                    ("rank", .int(p.rank)),
                    ("line", .int(p.line)),
                ]
                if let page = p.page { passage.append(("page", .int(page))) }
                if let confidence = p.ocrConfidence { passage += [("ocr", .bool(true)), ("ocr_confidence", .int(confidence))] }
                if let section = p.section { passage.append(("section", .string(section))) }
                return .object(passage)
            })))
        }
        if let explanation = hit.explanation { fields.append(("explain", explanation.json)) }
        return .object(fields)
    }
}
