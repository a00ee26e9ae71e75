import LoupeAnalysis
import LoupeFormat
import LoupeRead

/// A hit in a long document — one whose record has `TextCheckpoints` — shown from windows of its
/// text, so that its cost follows the passages shown rather than the document's length:
///
/// 1. The index's positions give every match of the query's words in the text (a posting per
///    word, no text read).
/// 2. Every run of matches within `passageSpan` positions is scored as `PassageBuilder` scores a
///    passage (BM25 saturation per word, plus the bonus for different words close together), and
///    the best runs that do not overlap are kept: the best alone for a snippet, else one more than
///    the passages asked for, so that the exact scoring of step 4 has a choice.
/// 3. Each run's window is read from the nearest checkpoint at least `contextBefore` positions
///    before its first match to about `contextAfter` positions after its last (the bytes
///    estimated from the checkpoints around it, half as many again, then back to a space; never
///    past the next checkpoint) — room for a passage's 280 characters past its start: only the store
///    blocks holding it are decompressed, and only it is analyzed.
/// 4. In each window the snippet and the passages are built exactly as in a short document
///    (`SnippetBuilder`, `PassageBuilder`); lines, pages, sections and OCR marks carry on from the
///    window's checkpoint (`TextPlacement`). The passages of all windows are ranked together.
struct LongTextWindows {
    /// Word positions a passage spans about (280 characters of prose).
    static let passageSpan = 40
    /// Positions read before a run's first match, at least (a passage starting further back than
    /// 186 characters before its match starts near it instead), and after its last, about.
    static let contextBefore = 32
    static let contextAfter = 48
    static let k1 = 1.2

    /// The runs of matches to read, best first: `(first, last)` positions, at most `want`, not
    /// overlapping. `matches` are in position order.
    static func runs(_ matches: [(position: Int, group: Int)], idf: [Double], want: Int) -> [(first: Int, last: Int)] {
        let n = matches.count
        guard n > 0, want > 0 else { return [] }
        var tf = [Int](repeating: 0, count: idf.count)
        var bonus = 0.0
        func pairBonus(_ j: Int) -> Double {
            let a = matches[j - 1], b = matches[j]
            guard a.group != b.group else { return 0 }
            return 0.5 * min(idf[a.group], idf[b.group]) / Double(1 + max(0, b.position - a.position - 1))
        }
        // Window [m, k): the matches within `passageSpan` positions of match m.
        var scored: [(score: Double, m: Int, last: Int)] = []
        scored.reserveCapacity(n)
        var k = 0
        for m in 0..<n {
            while k < n && matches[k].position - matches[m].position < passageSpan {
                tf[matches[k].group] += 1
                if k > m { bonus += pairBonus(k) }
                k += 1
            }
            var score = bonus
            for g in tf.indices where tf[g] > 0 {
                score += idf[g] * Double(tf[g]) * (k1 + 1) / (Double(tf[g]) + k1)
            }
            scored.append((score, m, k - 1))
            tf[matches[m].group] -= 1
            if m + 1 < k { bonus -= pairBonus(m + 1) }
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.m < $1.m }
        var chosen: [(first: Int, last: Int)] = []
        for s in scored {
            let first = matches[s.m].position, last = matches[s.last].position
            if chosen.contains(where: { first <= $0.last + passageSpan / 2 && last + passageSpan / 2 >= $0.first }) { continue }
            chosen.append((first, last))
            if chosen.count == want { break }
        }
        return chosen
    }
}

extension Searcher {
    /// The byte offset at which a window reaching word position `position` may end: estimated
    /// from the bytes per position between the checkpoints around it, half as many again, and
    /// never past the next checkpoint (the text's end after the last).
    static func windowEnd(after position: Int, checkpoints: TextCheckpoints, length: Int) -> Int {
        guard let next = checkpoints.point(after: position), let previous = checkpoints.point(atOrBefore: position) else { return length }
        let interval = checkpoints.interval
        let perPosition = Double(next.offset - previous.offset) / Double(interval)
        let from = position % interval
        return min(next.offset, previous.offset + Int((Double(from) * 1.5 + 16) * perPosition) + 64)
    }

    /// The query's matches in the text of document `doc` (in `language`), as the index's
    /// positions give them: `(position, group)` in position order, the title's positions left out.
    func matchPositions(of plan: QueryPlan, doc: Int, language: UInt8, textPositions: Int) throws -> [(position: Int, group: Int)] {
        guard let (s, local) = reader.locateIndex(doc) else { return [] }
        let segment = reader.segments[s]
        var matches: [(position: Int, group: Int)] = []
        for (g, group) in plan.groups.enumerated() {
            for (k, key) in group.keys.enumerated() where key.last == language {
                guard let info = try group.entry(k, in: segment, at: s) else { continue }
                let postings = try segment.postings(info)
                guard try postings.advance(to: UInt32(local)) == UInt32(local) else { continue }
                for p in try postings.positions() where Int(p) < textPositions { matches.append((Int(p), g)) }
            }
        }
        matches.sort { $0.position != $1.position ? $0.position < $1.position : $0.group < $1.group }
        return matches
    }

    /// The snippet and `count` passages of hit `doc`, a long document, read from windows of its
    /// text (`LongTextWindows`).
    func longTextHit(doc: Int, record: DocumentRecord, checkpoints: TextCheckpoints, language: Language, plan: QueryPlan,
                     passages count: Int, paged: Bool, headings: Bool = true) throws -> ShownText {
        let length = Int(record.textLength)
        let matches = try matchPositions(of: plan, doc: doc, language: language.rawValue, textPositions: checkpoints.textPositions)
        var runs = LongTextWindows.runs(matches, idf: plan.groups.map(\.idf), want: count == 0 ? 1 : count + 1)
        // No match in the text (a title's or a path's): the text's beginning.
        if runs.isEmpty { runs = [(0, 0)] }
        let origin = TextCheckpoints.Point(offset: 0, line: 1, page: 1, pageStart: 0, section: nil)
        // Each run's window, from a checkpoint (the text's start for the first) to a checkpoint or the end.
        var windows: [(range: Range<Int>, point: TextCheckpoints.Point, best: Bool)] = []
        for (i, run) in runs.enumerated() {
            let before = run.first - LongTextWindows.contextBefore
            let point = before < checkpoints.interval ? origin : (checkpoints.point(atOrBefore: before) ?? origin)
            let end = Self.windowEnd(after: run.last + LongTextWindows.contextAfter, checkpoints: checkpoints, length: length)
            windows.append((point.offset..<max(point.offset, end), point, i == 0))
        }
        // Overlapping windows become one.
        windows.sort { $0.range.lowerBound < $1.range.lowerBound }
        var merged: [(range: Range<Int>, point: TextCheckpoints.Point, best: Bool)] = []
        for w in windows {
            if let last = merged.last, w.range.lowerBound <= last.range.upperBound {
                merged[merged.count - 1].range = last.range.lowerBound..<max(last.range.upperBound, w.range.upperBound)
                merged[merged.count - 1].best = last.best || w.best
            } else {
                merged.append(w)
            }
        }
        let read: (Range<Int>) -> [UInt8]? = { [reader] range in try? reader.text(doc, record: record, in: range) }
        var shown: ShownText? = nil
        var passages: [Passage] = []
        var bytesRead = 0
        for window in merged {
            var text = try reader.text(doc, record: record, in: window.range)
            // A window ending inside the text ends at a space: its last word is whole.
            if window.range.upperBound < length, let space = text.lastIndex(where: SnippetBuilder.isSpace) { text.removeSubrange(space...) }
            bytesRead += text.count
            let placement = TextPlacement(base: window.range.lowerBound, point: window.point, read: read, documentLength: length)
            let analyzed = AnalyzedText(text, language: language, plan: plan, analyzer: analyzer)
            if window.best {
                shown = SnippetBuilder.placed(analyzed, plan: plan, placement: placement, paged: paged, headings: headings)
            }
            if count > 0 {
                passages += PassageBuilder().passages(analyzed, plan: plan, sentences: try sentenceBreaker(), count: count, paged: paged,
                                                      headings: headings, placement: placement)
            }
        }
        // The best passages of all windows, ranked together, shown in document order.
        passages.sort { $0.score != $1.score ? $0.score > $1.score : $0.snippet.textOffset < $1.snippet.textOffset }
        passages = Array(passages.prefix(count))
        for i in passages.indices { passages[i].rank = i + 1 }
        passages.sort { $0.snippet.textOffset < $1.snippet.textOffset }
        var result = shown ?? ShownText(snippet: Snippet(text: "", highlights: []), line: 1, passages: [])
        result.passages = passages
        result.bytesRead = bytesRead
        return result
    }
}
