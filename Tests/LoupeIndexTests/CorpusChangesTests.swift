import Foundation
import LoupeIndex
import LoupeTestSupport
import Testing

/// `CorpusChanges`: what changed in a directory since its index — by size and modification
/// time, confirmed by content when only the time moved; files read but not indexed remembered.
@Suite struct CorpusChangesTests {
    func setTime(_ path: String, _ seconds: Int) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: TimeInterval(seconds))], ofItemAtPath: path)
    }

    @Test func addedChangedRemovedAndTouchedFiles() throws {
        let dir = TemporaryDirectory()
        let docs = dir.path + "/docs", index = dir.path + "/index"
        try dir.write("docs/keep.txt", "Le retrait a commencé au Mali.\n")
        try dir.write("docs/touch.txt", "The troops left the base at dawn.\n")
        try dir.write("docs/edit.txt", "Los niños cruzan la frontera solos.\n")
        try dir.write("docs/gone.txt", "Ce fichier sera supprimé.\n")
        try dir.write("docs/empty.txt", "")
        try dir.write("docs/sub/binary.txt", [0x00, 0xFF, 0x00])
        for name in ["keep", "touch", "edit", "gone", "empty", "sub/binary"] { try setTime(docs + "/\(name).txt", 1_700_000_000) }
        _ = try IndexBuilder.build(corpus: docs, index: index, options: IndexOptions(threads: 1))
        var reader = try IndexReader(path: index)
        #expect(reader.manifest.skipped.map(\.path) == ["empty.txt", "sub/binary.txt"])
        var changes = try CorpusChanges.compute(corpus: docs, reader: reader)
        #expect(changes.isEmpty)
        #expect(changes.unchanged == 6)

        // A touched file (same bytes, new time) is unchanged; an edit of the same size is not.
        try setTime(docs + "/touch.txt", 1_700_000_500)
        try dir.write("docs/edit.txt", "Los niños cruzan la frontera juntos\n".replacingOccurrences(of: "juntos", with: "solas."))
        try setTime(docs + "/edit.txt", 1_700_000_500)
        try FileManager.default.removeItem(atPath: docs + "/gone.txt")
        try dir.write("docs/new.txt", "A new report on the Sahel.\n")
        // A skipped file that becomes text is a change too.
        try dir.write("docs/empty.txt", "Maintenant du texte.\n")
        changes = try CorpusChanges.compute(corpus: docs, reader: reader)
        #expect(changes.added == ["new.txt"])
        #expect(changes.changed == ["edit.txt", "empty.txt"])
        #expect(changes.removed == ["gone.txt"])
        #expect(changes.unchanged == 3)  // keep, touch, sub/binary

        // Brought up to date, then nothing to do.
        guard case .updated(let update) = try IndexBuilder.update(corpus: docs, index: index, options: IndexOptions(threads: 1)) else {
            Issue.record("expected an update")
            return
        }
        #expect(update.changes == changes)
        #expect(update.documents == 5)
        reader = try IndexReader(path: index)
        #expect(reader.manifest.skipped.map(\.path) == ["sub/binary.txt"])
        guard case .upToDate(let none, let generation, _) = try IndexBuilder.update(corpus: docs, index: index, options: IndexOptions(threads: 1)) else {
            Issue.record("expected no change")
            return
        }
        #expect(none.unchanged == 6)
        #expect(generation >= reader.manifest.generation)  // a new commit time when files were just written
        // Another directory, or --full, rebuilds.
        try dir.write("other/x.txt", "Autre chose.\n")
        guard case .built(_, nil) = try IndexBuilder.update(corpus: dir.path + "/other", index: index, options: IndexOptions(threads: 1)) else {
            Issue.record("expected a build of the other directory")
            return
        }
        guard case .built = try IndexBuilder.update(corpus: dir.path + "/other", index: index, full: true, options: IndexOptions(threads: 1)) else {
            Issue.record("expected a full rebuild")
            return
        }
    }
}
