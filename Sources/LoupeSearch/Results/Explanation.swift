import LoupeAnalysis
import LoupeFormat
import LoupeRead

/// How a hit's score was computed (after Lucene's `Explanation`): a value, what it is, and the
/// values it was made of. A hit's explanation has one detail per query word, phrase or
/// translation found in the document, and they add up, in the order the search added them, to
/// exactly the score.
public struct Explanation: Sendable, Equatable {
    public var value: Double
    public var description: String
    public var details: [Explanation]

    public init(value: Double, description: String, details: [Explanation] = []) {
        self.value = value
        self.description = description
        self.details = details
    }

    /// `{"value", "description", "details": […]}`.
    public var json: JSON {
        .object([("value", .double(value)), ("description", .string(description)), ("details", .array(details.map(\.json)))])
    }
}

extension Searcher {
    /// The explanation of global document `doc`'s score for `plan` (a document the plan matches).
    public func explain(_ plan: QueryPlan, doc: Int) throws -> Explanation {
        guard let (s, local) = reader.locateIndex(doc) else { throw IndexError.noSuchDocument(doc) }
        let segment = reader.segments[s]
        let target = UInt32(local)
        let length = segment.documents.length(local)
        if let tree = plan.boolean {
            // The scorers' own parts, in the order they add them.
            let root = try BooleanScorerFactory(searcher: self, segment: segment, segmentIndex: s).makeRoot(tree)
            try root.advance(to: target)
            guard root.doc == target else { throw IndexError.noSuchDocument(doc) }
            var parts: [Explanation]? = []
            let total = try root.score(length: Double(length), norm: norms.norm(length), parts: &parts)
            let list = parts ?? []
            return Explanation(value: total, description: "sum of \(list.count) BM25 term\(list.count == 1 ? "" : "s")", details: list)
        }
        var parts: [Explanation] = []
        var total = 0.0

        /// BM25 of one term in this document, explained.
        func term(_ what: String, idf: Double, tf: Double, weight: Double = 1, value: Double) -> Explanation {
            let avgdl = (bm25.averageDocLength * 10).rounded() / 10
            var details = [
                Explanation(value: idf, description: "idf"),
                Explanation(value: tf, description: "tf"),
                Explanation(value: Double(length), description: "document length (avgdl \(avgdl), k1 \(bm25.k1), b \(bm25.b))"),
            ]
            if weight != 1 { details.append(Explanation(value: weight, description: "weight")) }
            return Explanation(value: value, description: what, details: details)
        }
        func describe(_ group: TermGroup) -> String {
            let keys = group.keys.compactMap { TermKey.split($0) }.map { "\($0.0.code):\($0.1)" }
            // A one-word translation is an OR group whose idf is already weighted (`QueryPlan`).
            let translated = plan.translations.contains { $0.lowercased() == group.word }
            let note = translated ? "translation; idf × \(NameAlternative.weight)" : group.note
            return "\(group.word) [\(keys.joined(separator: ", "))]" + (note.map { " (\($0))" } ?? "")
        }
        /// The OR groups' cursors on the document, with their group.
        func groupsOnDocument() throws -> [(TermGroup, GroupCursor)] {
            var found: [(TermGroup, GroupCursor)] = []
            for (index, group) in plan.groups.prefix(plan.orGroupCount).enumerated() {
                guard let c = try makeCursor(group, index: index, segment, s) else { continue }
                try c.advance(to: target)
                if c.doc == target { found.append((group, c)) }
            }
            return found
        }
        /// Whether all `words` are on the document, with the phrase's frequency there.
        func phraseFrequency(of words: [TermGroup]) throws -> Int {
            var cursors: [GroupCursor] = []
            for word in words {
                guard let c = try makeCursor(word, index: 0, segment, s) else { return 0 }
                try c.advance(to: target)
                guard c.doc == target else { return 0 }
                cursors.append(c)
            }
            return cursors.count == 1 ? Int(cursors[0].freq) : try self.phraseFrequency(cursors)
        }

        if !plan.phrases.isEmpty {
            // As `phraseSearch` adds: the phrases, then the words, each with the raw document length.
            for phrase in plan.phrases {
                let tf = Double(try phraseFrequency(of: phrase.words))
                let value = bm25.score(idf: phrase.idf, tf: tf, docLength: Double(length))
                total += value
                parts.append(term("phrase \"\(phrase.words.map(\.word).joined(separator: " "))\"", idf: phrase.idf, tf: tf, value: value))
            }
            for (group, c) in try groupsOnDocument() {
                let value = bm25.score(idf: c.idf, tf: Double(c.freq), docLength: Double(length))
                total += value
                parts.append(term(describe(group), idf: c.idf, tf: Double(c.freq), value: value))
            }
        } else if !plan.alternatives.isEmpty {
            // As `alternativesSearch` adds: the words in group order, then the translations' sum.
            for (group, c) in try groupsOnDocument() {
                let value = bm25.score(idf: c.idf, tf: Double(c.freq), docLength: Double(length))
                total += value
                parts.append(term(describe(group), idf: c.idf, tf: Double(c.freq), value: value))
            }
            var extra = 0.0
            for alternative in plan.alternatives {
                let tf = Double(try phraseFrequency(of: alternative.words))
                guard tf > 0 else { continue }
                let value = NameAlternative.weight * bm25.score(idf: alternative.idf, tf: tf, docLength: Double(length))
                extra += value
                parts.append(term("translation \"\(alternative.name)\"", idf: alternative.idf, tf: tf, weight: NameAlternative.weight, value: value))
            }
            total += extra
        } else {
            // Every strategy scores a word with the length norm of the document's length.
            let norm = norms.norm(length)
            for (group, c) in try groupsOnDocument() {
                let value = bm25.score(idf: c.idf, tf: Double(c.freq), lengthNorm: norm)
                total += value
                parts.append(term(describe(group), idf: c.idf, tf: Double(c.freq), value: value))
            }
        }
        return Explanation(value: total, description: "sum of \(parts.count) BM25 term\(parts.count == 1 ? "" : "s")", details: parts)
    }
}

extension Searcher {
    /// One term's BM25 in a document, explained (the boolean scorers' parts).
    func termExplanation(_ group: TermGroup?, what: String? = nil, idf: Double, tf: Double, length: Double, value: Double) -> Explanation {
        let avgdl = (bm25.averageDocLength * 10).rounded() / 10
        var description = what ?? ""
        if let group {
            let keys = group.keys.compactMap { TermKey.split($0) }.map { "\($0.0.code):\($0.1)" }
            description = "\(group.word) [\(keys.joined(separator: ", "))]" + (group.note.map { " (\($0))" } ?? "")
        }
        return Explanation(value: value, description: description, details: [
            Explanation(value: idf, description: "idf"),
            Explanation(value: tf, description: "tf"),
            Explanation(value: length, description: "document length (avgdl \(avgdl), k1 \(bm25.k1), b \(bm25.b))"),
        ])
    }
}
