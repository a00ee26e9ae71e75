import Foundation
import LoupeAnalysis
import LoupeIndex
import Testing
@testable import LoupeSearch

/// An index kept up to date by incremental updates ranks exactly like a fresh build of the same
/// directory: the same hits with the same scores (bit for bit) and the same counts, for every kind
/// of query — over many rounds of random adds, edits, renames and deletes, with merges (a policy
/// that merges often) and without, and `optimize`.
@Suite struct UpdateEquivalenceTests {
    static let vocabulary = [
        "soldats", "soldat", "troupes", "armée", "armées", "l’armée", "l'armée", "française", "français", "Mali", "Niger", "Gao",
        "Macron", "macron", "élections", "elections", "première", "premier", "Paris", "pari", "école", "écoles", "O.N.U.", "ONU",
        "Côte", "d’Ivoire", "the", "troops", "army", "Army", "French", "France", "left", "schools", "school", "Francia", "ejército",
        "niños", "niño", "frontera", "fronteras", "México", "Mexico", "mexicano", "el", "los", "la", "de", "y", "les", "le", "et",
        "of", "and", "in", "Sahel", "sahel", "ﬁnance", "finance", "naïve", "naive", "café", "cafe", "ＭＡＬＩ",
    ]

    static let queries = [
        "mali", "soldat", "armée française", "\"armée française\"", "l'armée", "macron élections", "premiere", "paris", "onu",
        "u.n.", "cote d'ivoire", "france", "niño frontera", "mexico", "+mali troops", "sahel -gao", "mali AND NOT niger",
        "(soldats OR troops) AND mali", "arm*", "fr?nce", "macrn~1", "title:mali", "\"troops left\"~3", "finance café", "école",
        "ejercito", "naive", "the army", "les écoles de la france", "lang:fr mali", "path:sub mali",
    ]

    struct World {
        var rng: SplitMix
        /// Path → the text written (wrapped in HTML for `.html` files).
        var files: [String: String] = [:]
        var clock = 1_600_000_000
        var next = 0

        mutating func text() -> String {
            let words = Self.words(&rng, count: 3 + rng.below(5))
            let body = (0..<(1 + rng.below(4))).map { _ in Self.words(&rng, count: 4 + rng.below(40)) }.joined(separator: "\n")
            return words + "\n" + body + "\n"
        }

        static func words(_ rng: inout SplitMix, count: Int) -> String {
            (0..<count).map { _ in UpdateEquivalenceTests.vocabulary[rng.below(UpdateEquivalenceTests.vocabulary.count)] }.joined(separator: " ")
        }

        mutating func newPath() -> String {
            next += 1
            let directory = ["", "sub/", "sub/deep/", "autre/"][rng.below(4)]
            let ext = [".txt", ".txt", ".md", ".html"][rng.below(4)]
            return "\(directory)f\(next)\(ext)"
        }

        /// Writes a file with a time of its own (each write a second later: changes are seen by
        /// their times, as the editors' saves would be).
        mutating func write(_ dir: TemporaryDirectory, _ path: String, _ text: String) throws {
            let content = path.hasSuffix(".html") ? "<html><head><title>\(text.prefix(30))</title></head><body><p>\(text)</p></body></html>" : text
            try dir.write("docs/" + path, content)
            clock += 1
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: Double(clock))],
                                                  ofItemAtPath: dir.path + "/docs/" + path)
            files[path] = text
        }

        mutating func round(_ dir: TemporaryDirectory) throws {
            for _ in 0..<(1 + rng.below(4)) { try write(dir, newPath(), text()) }
            let existing = files.keys.sorted()
            for path in existing.shuffledPrefix(rng.below(4), &rng) { try write(dir, path, text()) }
            for path in files.keys.sorted().shuffledPrefix(rng.below(3), &rng) {
                try FileManager.default.removeItem(atPath: dir.path + "/docs/" + path)
                files[path] = nil
            }
            for path in files.keys.sorted().shuffledPrefix(rng.below(2), &rng) {
                // A rename: the same bytes under another name.
                let target = newPath()
                try FileManager.default.createDirectory(atPath: dir.path + "/docs/" + (target as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try FileManager.default.moveItem(atPath: dir.path + "/docs/" + path, toPath: dir.path + "/docs/" + target)
                guard (path as NSString).pathExtension == (target as NSString).pathExtension else {
                    // Another kind of file: written anew as that kind.
                    files[path] = nil
                    try write(dir, target, text())
                    continue
                }
                files[target] = files[path]
                files[path] = nil
            }
            if rng.below(5) == 0 { try write(dir, newPath(), "") }  // an empty file: skipped
        }
    }

    /// Every hit of `query` as (path, score), ordered by score then path, and the hit count.
    func results(_ query: String, _ index: String) throws -> (hits: [String], total: Int?) {
        let searcher = try Searcher(reader: try IndexReader(path: index))
        let ranked = try searcher.search(query, k: 1_000)
        let hits = try ranked.hits.map { (try searcher.reader.record($0.doc).path, $0.score) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            .map { "\($0.0) \($0.1)" }
        return (hits, ranked.totalHits)
    }

    func expectSameRanking(_ updated: String, _ fresh: String, _ context: String) throws {
        for query in Self.queries {
            let a = try results(query, updated), b = try results(query, fresh)
            #expect(a.hits == b.hits, "\(context), query \(query)")
            #expect(a.total == b.total, "\(context), query \(query)")
        }
        let reader = try IndexReader(path: updated), freshReader = try IndexReader(path: fresh)
        #expect(reader.docCount == freshReader.docCount && reader.totalTokens == freshReader.totalTokens, "\(context)")
    }

    @Test(arguments: [(seed: UInt64(1), merging: false), (seed: 2, merging: true), (seed: 3, merging: true)])
    func updatesRankLikeAFreshBuild(seed: UInt64, merging: Bool) throws {
        let dir = TemporaryDirectory()
        var world = World(rng: SplitMix(seed: seed))
        for _ in 0..<12 { try world.write(dir, world.newPath(), world.text()) }
        let docs = dir.path + "/docs", index = dir.path + "/index"
        let options = IndexOptions(threads: 2)
        // Merges as soon as 3 segments share a level (of 4 documents and up): many merges, of
        // segments with deletions too.
        let policy = merging ? LogMergePolicy(mergeFactor: 3, floorDocs: 4) : LogMergePolicy(mergeFactor: 1000, floorDocs: 1000)
        _ = try IndexBuilder.update(corpus: docs, index: index, options: options, mergePolicy: policy)
        var merges = 0, deletions = 0
        for round in 0..<10 {
            try world.round(dir)
            guard case .updated(let update) = try IndexBuilder.update(corpus: docs, index: index, options: options, mergePolicy: policy) else {
                Issue.record("round \(round): expected an incremental update")
                continue
            }
            merges += update.merges.count
            let reader = try IndexReader(path: index)
            deletions += reader.maxDoc - reader.docCount
            #expect(reader.docCount == world.files.values.filter { !$0.isEmpty }.count, "round \(round)")
            let report = try IndexChecker.check(path: index)
            #expect(report.documents == reader.docCount)
            let fresh = dir.path + "/fresh\(round)"
            _ = try IndexBuilder.build(corpus: docs, index: fresh, options: options)
            try expectSameRanking(index, fresh, "seed \(seed) round \(round)")
            if round == 6 {
                _ = try IndexBuilder.optimize(index: index)
                #expect(try IndexReader(path: index).segments.count == 1)
                try expectSameRanking(index, fresh, "seed \(seed) after optimize")
                // Documents in path order, as a build writes them: the same postings and positions.
                for kind in ["postings", "positions"] {
                    func bytes(_ path: String) throws -> Data {
                        let name = try #require(try IndexDirectory(path: path).readManifest().segments.first?.name)
                        return try Data(contentsOf: URL(fileURLWithPath: path + "/" + name + "." + kind))
                    }
                    #expect(try bytes(index) == bytes(fresh), "seed \(seed): optimized .\(kind)")
                }
            }
            try FileManager.default.removeItem(atPath: fresh)
        }
        #expect(deletions > 0, "the rounds deleted documents")
        if merging { #expect(merges > 0, "the policy merged") }
    }

    /// A segment all of whose documents are deleted leaves the manifest; an update with only
    /// removals writes no segment; a segment with many deletions is rewritten without them.
    @Test func emptiedSegmentsGoAway() throws {
        let dir = TemporaryDirectory()
        try dir.write("docs/a.txt", "Les soldats sont partis de Gao.")
        try dir.write("docs/b.txt", "The troops left Niamey.")
        let docs = dir.path + "/docs", index = dir.path + "/index"
        _ = try IndexBuilder.build(corpus: docs, index: index)
        try dir.write("docs/c.txt", "Los niños cruzan la frontera.")
        _ = try IndexBuilder.update(corpus: docs, index: index)
        #expect(try IndexReader(path: index).segments.count == 2)
        try FileManager.default.removeItem(atPath: docs + "/c.txt")
        _ = try IndexBuilder.update(corpus: docs, index: index)
        let reader = try IndexReader(path: index)
        #expect(reader.segments.count == 1 && reader.docCount == 2 && reader.maxDoc == 2)
        #expect(try IndexDirectory(path: index).list().filter { $0.hasSuffix(".del") }.isEmpty)
        try FileManager.default.removeItem(atPath: docs + "/a.txt")
        _ = try IndexBuilder.update(corpus: docs, index: index)
        let after = try IndexReader(path: index)
        // Half of its segment deleted: the policy rewrites it without the deleted document.
        #expect(after.docCount == 1 && after.maxDoc == 1 && after.segments.count == 1)
        #expect(try IndexDirectory(path: index).list().filter { $0.hasSuffix(".del") }.isEmpty)
        #expect(try Searcher(reader: after).search("soldats", k: 10).hits.isEmpty)
        #expect(try Searcher(reader: after).search("troops", k: 10).hits.count == 1)
    }
}
