import Foundation
import LoupeTestSupport
import Testing

/// Runs the built `loupe` binary as a user would and checks its output and exit codes.
@Suite struct CLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: String {
        // The test bundle lives in the build products directory, next to the executable.
        let bundle = Bundle.main.bundleURL
        for dir in [bundle.deletingLastPathComponent(), bundle, bundle.deletingLastPathComponent().deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("loupe").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return repositoryRoot() + "/.build/debug/loupe"
    }

    func loupe(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// An index of the repository's corpus, built once per test that needs it.
    func corpusIndex() throws -> Fixture {
        let fixture = Fixture()
        let run = try loupe(["index", repositoryRoot() + "/Corpus", "--index", fixture.index])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Indexed"))
        return fixture
    }

    /// A temporary index directory that lives as long as the value.
    struct Fixture {
        let dir = TemporaryDirectory()
        var index: String { dir.path + "/index" }
    }

    @Test func helpDescribesEveryCommand() throws {
        let run = try loupe(["--help"])
        #expect(run.status == 0)
        // Each subcommand has its own line in the overview, with the start of its abstract, and its
        // own help names it in its usage line and repeats the abstract.
        let abstracts = [
            "index": "Index a directory of documents", "search": "Search the index: ranked results",
            "analyze": "Show the tokens the index would store", "stats": "Describe an index: documents, terms",
            "check": "Verify an index completely", "bench": "Time queries in-process",
            "status": "What changed in the indexed directory",
            "watch": "Keep the index of a directory up to date", "optimize": "Merge the index's segments into one",
        ]
        let lines = run.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        for (command, abstract) in abstracts {
            #expect(lines.contains { $0.hasPrefix(command + " ") && $0.dropFirst(command.count).trimmingCharacters(in: .whitespaces).hasPrefix(abstract) },
                    "no overview line for \(command)")
            let sub = try loupe([command, "--help"])
            #expect(sub.status == 0)
            #expect(sub.stdout.contains("USAGE: loupe \(command)"), "\(command) --help: \(sub.stdout.prefix(200))")
            #expect(sub.stdout.contains(abstract), "\(command) --help lacks its abstract")
        }
    }

    /// A second `loupe index` of an unchanged directory leaves the index as it is; a change
    /// updates it, saying what changed; `--full` always rebuilds; `status` lists the changes and
    /// what the last run skipped.
    @Test func indexingAgainOnlyRebuildsWhatChangedAndStatusSaysWhat() throws {
        let fixture = Fixture()
        let dir = fixture.dir
        try dir.write("docs/a.txt", "Les soldats sont rentrés au pays.\n")
        try dir.write("docs/b.txt", "The troops left the base at dawn.\n")
        try dir.write("docs/blob.txt", [0x00, 0x01, 0x02])
        let docs = dir.path + "/docs", index = fixture.index
        #expect(try loupe(["index", docs, "--index", index]).status == 0)
        let again = try loupe(["index", docs, "--index", index])
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("Up to date: 3 files unchanged"), "\(again.stdout)")
        // Files written a moment before their index are confirmed by content, then a new commit
        // time spares the next run that: the generation moves on only then.
        #expect(again.stdout.contains(" is at generation "), "\(again.stdout)")
        let clean = try loupe(["status", "--index", index])
        #expect(clean.status == 0)
        #expect(clean.stdout.contains("Up to date: 3 files unchanged."), "\(clean.stdout)")
        #expect(clean.stdout.contains("blob.txt: looks binary"), "\(clean.stdout)")

        try dir.write("docs/c.txt", "Los niños cruzan la frontera.\n")
        try dir.write("docs/b.txt", "The troops left the base at noon, not at dawn.\n")
        try FileManager.default.removeItem(atPath: docs + "/a.txt")
        // A search says so under its results (and in its JSON); after the update it does not.
        let stale = try loupe(["search", "troops", "--index", index])
        #expect(stale.stdout.contains("The directory changed since this index (1 added, 1 changed, 1 removed)"), "\(stale.stdout)")
        #expect(try loupe(["search", "troops", "--index", index, "--json"]).stdout
            .contains("\"stale\": {\"checked\": true, \"added\": 1, \"changed\": 1, \"removed\": 1}"))
        let paths = try loupe(["search", "troops", "--index", index, "--format", "paths"])
        #expect(!paths.stdout.contains("changed since"), "paths stay one per line")
        #expect(paths.stderr.contains("changed since"))
        let status = try loupe(["status", docs, "--index", index, "--json"])
        #expect(status.stdout.contains("\"added\": [\"c.txt\"], \"changed\": [\"b.txt\"], \"removed\": [\"a.txt\"], \"unchanged\": 1"), "\(status.stdout)")
        let update = try loupe(["index", docs, "--index", index])
        #expect(update.stdout.contains("1 added, 1 updated, 1 removed, 1 unchanged in "), "\(update.stdout)")
        #expect(update.stdout.contains("Index updated in"), "\(update.stdout)")
        let fresh = try loupe(["search", "noon", "--index", index])
        #expect(fresh.stdout.contains("b.txt"))
        #expect(!fresh.stdout.contains("changed since"))
        #expect(try loupe(["search", "noon", "--index", index, "--json"]).stdout
            .contains("\"stale\": {\"checked\": true, \"added\": 0, \"changed\": 0, \"removed\": 0}"))
        #expect(try loupe(["search", "soldats", "--index", index]).status == 1)
        let full = try loupe(["index", docs, "--index", index, "--full"])
        #expect(full.stdout.contains("Index written to"), "\(full.stdout)")
    }

    /// `loupe index` sums up what it read: kinds of files, encodings it decoded, files it skipped;
    /// and a Latin-1 file is searchable like any other, its charset in the JSON.
    @Test func indexSummarisesKindsEncodingsAndSkippedFiles() throws {
        let fixture = Fixture()
        let dir = fixture.dir
        try dir.write("docs/a.txt", "Les soldats sont rentrés au pays.\n")
        try dir.write("docs/b.md", "# Rapport\n\nLe retrait des troupes.\n")
        try dir.write("docs/ancien.txt", Array("Le château coûte cher, dit la maîtresse.\n".unicodeScalars.map { UInt8($0.value) }))
        try dir.write("docs/blob.txt", [0x00, 0x01, 0x02])
        let run = try loupe(["index", dir.path + "/docs", "--index", fixture.index])
        #expect(run.status == 0)
        #expect(run.stdout.contains("Kinds: text 2, markdown 1"), "\(run.stdout)")
        #expect(run.stdout.contains("Not UTF-8, decoded: "), "\(run.stdout)")
        #expect(run.stdout.contains("Skipped 1: blob.txt (looks binary"), "\(run.stdout)")
        let found = try loupe(["search", "château", "--index", fixture.index, "--json"])
        #expect(found.stdout.contains("\"path\": \"ancien.txt\""), "\(found.stdout)")
        #expect(found.stdout.contains("\"charset\": \"ISO-8859-1\"") || found.stdout.contains("\"charset\": \"windows-1252\""), "\(found.stdout)")
        #expect(found.stdout.contains("Le château coûte cher"))
    }

    /// Escape sequences in a document (a title that clears the screen, an OSC that retitles the
    /// window, C1 controls) and control characters in file names reach the terminal inert.
    @Test func controlCharactersFromDocumentsAreShownNotObeyed() throws {
        let fixture = Fixture()
        let dir = fixture.dir
        try dir.write("docs/evil.txt", "\u{1B}[2J\u{1B}]0;pwned\u{07}Wagner report\nThe wagner \u{1B}[31mgroup\u{1B}[0m left\u{9B}6n Mali.\n")
        try dir.write("docs/bad\nname.txt", [0x41, 0x00, 0x42])
        let index = try loupe(["index", dir.path + "/docs", "--index", fixture.index])
        #expect(index.status == 0, "\(index.stderr)")
        #expect(index.stderr.contains("bad\u{240A}name.txt"), "\(index.stderr)")
        let run = try loupe(["search", "wagner", "--index", fixture.index])
        #expect(run.status == 0)
        for output in [run.stdout, run.stderr, index.stdout, index.stderr] {
            #expect(!output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B }, "raw control in \(output)")
        }
        #expect(run.stdout.contains("\u{241B}[2J\u{241B}]0;pwned\u{2407}Wagner report"), "\(run.stdout)")
        #expect(run.stdout.contains("\u{241B}[31m"))
        // JSON escapes them as JSON does.
        let json = try loupe(["search", "wagner", "--index", fixture.index, "--json"])
        #expect(json.stdout.contains("\\u001b[2J"))
    }

    @Test func searchFindsDocumentsHoweverTheQueryIsTyped() throws {
        let fixture = try corpusIndex()
        let index = fixture.index
        for (query, path) in [("Macron", "en/mali-barkhane-withdrawal.txt"), ("mexico", "es/sheinbaum-eleccion-2024.txt"), ("armee", "fr/operation-serval-2013.txt")] {
            let run = try loupe(["search", query, "--index", index, "--json", "-k", "20"])
            #expect(run.status == 0, "\(run.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let hits = try #require(object["hits"] as? [[String: Any]])
            #expect(hits.contains { $0["path"] as? String == path }, "\(query) should find \(path)")
        }
    }

    /// The corpus's Word, OpenDocument and EPUB files are found like its text files, first for
    /// words only they hold, with the title from their metadata.
    @Test func officeAndEbookDocumentsAreFound() throws {
        let fixture = try corpusIndex()
        for (query, path, title) in [("\"delta intérieur\" pinasses", "fr/niger-fleuve-sahel.docx", "Le fleuve Niger, artère du Sahel"),
                                     ("Ubangui", "es/lago-chad.odt", "El lago Chad se encoge"),
                                     ("crépissage banco", "en/djenne-great-mosque.epub", "The Great Mosque of Djenné")] {
            let run = try loupe(["search", query, "--index", fixture.index, "--json", "-k", "1"])
            #expect(run.status == 0, "\(run.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let hit = try #require((object["hits"] as? [[String: Any]])?.first)
            #expect(hit["path"] as? String == path, "\(query)")
            #expect(hit["title"] as? String == title)
        }
    }

    /// `--max-file-size` skips larger files with a warning; a later run with a higher limit
    /// indexes them.
    @Test func largeFilesAreSkippedUntilTheLimitAllowsThem() throws {
        let fixture = Fixture()
        try fixture.dir.write("docs/big.txt", String(repeating: "Les troupes quittent Gao. ", count: 60_000))
        try fixture.dir.write("docs/small.txt", "Un petit fichier sur le Mali.\n")
        let docs = fixture.dir.path + "/docs"
        let limited = try loupe(["index", docs, "--index", fixture.index, "--max-file-size", "1"])
        #expect(limited.status == 0)
        #expect(limited.stderr.contains("big.txt: larger than 1 MiB; skipped"), "\(limited.stderr)")
        #expect(try loupe(["search", "gao", "--index", fixture.index]).status == 1)
        let again = try loupe(["index", docs, "--index", fixture.index])
        #expect(again.stdout.hasPrefix("0 added, 1 updated, 0 removed, 1 unchanged"), "\(again.stdout)")
        #expect(try loupe(["search", "gao", "--index", fixture.index]).status == 0)
        #expect(try loupe(["index", docs, "--index", fixture.index, "--max-file-size", "0"]).status == 64)
    }

    @Test func jsonOutputFollowsTheContract() throws {
        let fixture = try corpusIndex()
        let index = fixture.index
        let run = try loupe(["search", "côte d’ivoire", "--index", index, "--json", "-k", "3"])
        #expect(run.status == 0)
        #expect(run.stdout.hasSuffix("}\n") && run.stdout.split(separator: "\n").count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["query"] as? String == "côte d’ivoire")
        #expect((object["total_hits"] as? Int ?? 0) >= 3)
        #expect(object["took_ms"] is Double || object["took_ms"] is Int)
        let hits = try #require(object["hits"] as? [[String: Any]])
        #expect(hits.count == 3)
        var previous = Double.infinity
        for (i, hit) in hits.enumerated() {
            #expect(hit["rank"] as? Int == i + 1)
            #expect((hit["path"] as? String)?.isEmpty == false)
            #expect(hit["title"] is String)
            let score = try #require(hit["score"] as? Double)
            #expect(score <= previous)
            previous = score
            let snippet = try #require(hit["snippet"] as? [String: Any])
            let text = try #require(snippet["text"] as? String)
            let scalars = Array(text.unicodeScalars)
            let highlights = try #require(snippet["highlights"] as? [[Int]])
            #expect(!highlights.isEmpty)
            for h in highlights {
                #expect(h.count == 2 && h[0] < h[1] && h[1] <= scalars.count)
                let word = String(String.UnicodeScalarView(scalars[h[0]..<h[1]])).lowercased()
                // The query's words, or those of a name of the country in another language.
                let translated = ["ivory", "coast", "costa", "marfil"].contains(word)
                #expect(word.hasPrefix("côte") || word.contains("ivoire") || word.hasPrefix("cote") || translated, "highlighted \(word)")
            }
        }
        // Other names of the country that the corpus uses (the long report writes the official one).
        #expect(object["translations"] as? [String] == ["Ivory Coast", "République de Côte d’Ivoire", "Costa de Marfil"])
        #expect(!run.stdout.contains("\u{1B}["))
    }

    /// Pages, output formats for scripts, and grep's exit statuses.
    @Test func pagesFormatsAndExitStatus() throws {
        let fixture = try corpusIndex()
        let index = fixture.index
        let all = try loupe(["search", "mali", "--index", index, "--format", "paths", "-k", "6"])
        #expect(all.status == 0)
        let paths = all.stdout.split(separator: "\n").map(String.init)
        #expect(paths.count == 6)
        #expect(paths.allSatisfy { $0.hasPrefix("/") && FileManager.default.fileExists(atPath: $0) }, "\(paths)")
        // The second page of three is the last three of the six, ranks counted from the top.
        let page = try loupe(["search", "mali", "--index", index, "--format", "jsonl", "-k", "3", "--offset", "3"])
        #expect(page.status == 0)
        let hits = try page.stdout.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(hits.map { $0["rank"] as? Int } == [4, 5, 6])
        #expect(hits.map { ($0["path"] as? String).map { "/" + $0 } ?? "" }.allSatisfy { p in paths[3...].contains { $0.hasSuffix(p) } })
        // Nothing matched: exit 1, as grep; an error: exit 2.
        let none = try loupe(["search", "zzqxv", "--index", index])
        #expect(none.status == 1 && none.stdout.contains("No documents match"))
        #expect(try loupe(["search", "zzqxv", "--index", index, "--format", "paths"]).status == 1)
        #expect(try loupe(["search", "mali", "--index", fixture.dir.path + "/missing"]).status == 2)
        #expect(try loupe(["search", "mali", "--index", index, "--offset", "-1"]).status != 0)
    }

    /// A query may start with `-word` (everything not an option is the query; `--` also ends the
    /// options), and the filters are options.
    @Test func excludedWordsAndFilters() throws {
        let fixture = try corpusIndex()
        let index = fixture.index
        func paths(_ arguments: [String]) throws -> [String] {
            let run = try loupe(["search"] + arguments + ["--index", index, "--format", "paths", "-k", "50"])
            #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
            return run.stdout.split(separator: "\n").map { String($0.split(separator: "/Corpus/").last ?? "") }
        }
        let mali = try paths(["mali"])
        let withoutWagner = try paths(["-wagner mali"])
        #expect(!withoutWagner.isEmpty && withoutWagner.count < mali.count)
        #expect(!withoutWagner.contains("en/wagner-group-africa.txt") && mali.contains("en/wagner-group-africa.txt"))
        #expect(try paths(["mali", "-wagner"]) == withoutWagner)
        let afterDashes = try loupe(["search", "--index", index, "--format", "paths", "-k", "50", "--", "-wagner", "mali"])
        #expect(afterDashes.stdout.split(separator: "\n").map { String($0.split(separator: "/Corpus/").last ?? "") } == withoutWagner)
        let required = try paths(["mali +wagner"])
        #expect(!required.isEmpty && required.allSatisfy { mali.contains($0) && !withoutWagner.contains($0) })
        #expect(try paths(["mali", "--lang", "es"]).allSatisfy { $0.hasPrefix("es/") })
        #expect(try paths(["mali", "--path-prefix", "fr/"]).allSatisfy { $0.hasPrefix("fr/") })
        #expect(try paths(["mali", "--modified-after", "2999-01-01"]).isEmpty)
        #expect(try loupe(["search", "mali", "--lang", "de", "--index", index]).status == 64)
        #expect(try loupe(["search", "mali", "--modified-after", "2024-13-01", "--index", index]).status == 64)
    }

    /// `--explain` in text: a term's line gives its idf, tf and length; a clause whose score is a
    /// sum of parts (a word with its exact form) is a line of its own, its parts indented under it.
    @Test func explainShowsEveryPartOfAScore() throws {
        let fixture = try corpusIndex()
        let run = try loupe(["search", "hollande AND france", "--explain", "-k", "1", "--index", fixture.index])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init).filter { $0.contains(" = ") }
        #expect(lines.contains { $0.hasPrefix("   ") && $0.contains("= hollande [fr:hollande]: idf ") && $0.contains(", tf ") && $0.contains(", length ") })
        let sum = try #require(lines.firstIndex { $0.hasSuffix("= sum of 2 parts") })
        #expect(lines.count >= sum + 3)
        #expect(lines[sum + 1].hasPrefix("     ") && lines[sum + 1].contains("= france [") && lines[sum + 1].contains(": idf "))
        #expect(lines[sum + 2].hasPrefix("     ") && lines[sum + 2].contains("(exact form; idf × 0.5): idf "))
        #expect(!run.stdout.contains("length 0 ("))
    }

    @Test func textOutputHasNoEscapeCodesWhenNotATerminal() throws {
        let fixture = try corpusIndex()
        let index = fixture.index
        let run = try loupe(["search", "macron", "mali", "--index", index, "-k", "2"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("1. "))
        #expect(run.stdout.contains("Macron"))
        #expect(!run.stdout.contains("\u{1B}["))
    }

    @Test(arguments: [
        (["search", "mali", "--index", "/nonexistent/loupe-index"], "no index found"),
        (["index", "/nonexistent/corpus", "--index", "/tmp/loupe-unused"], "corpus directory not found"),
        (["search", "  ", "--index", "/tmp"], "empty query"),
        (["search", "--index", "/tmp"], "empty query"),
        (["search", "mali", "-k", "0"], "-k must be between 1 and 10000"),
        (["analyze", "--lang", "de", "Haus"], "--lang must be"),
    ])
    func errorsAreOneClearLineAndANonZeroExit(_ arguments: [String], _ message: String) throws {
        let run = try loupe(arguments)
        #expect(run.status != 0)
        #expect(run.stderr.contains(message), "stderr: \(run.stderr)")
        #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Stack dump"))
    }

    @Test func aCorruptIndexIsReportedNotCrashedOn() throws {
        let fixture = try corpusIndex()
        let index = fixture.index
        let files = try FileManager.default.contentsOfDirectory(atPath: index).filter { $0.hasSuffix(".postings") }
        let path = index + "/" + (try #require(files.first))
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data[data.count / 2] ^= 0xFF
        try data.write(to: URL(fileURLWithPath: path))
        // `check` verifies every checksum; a plain open checks frames only (its cost does not grow
        // with the index), and what it then reads is bounds-checked: an error or a result, never a crash.
        let check = try loupe(["check", "--index", index])
        #expect(check.status == 2)
        #expect(check.stderr.hasPrefix("loupe: error: index file") && check.stderr.contains("corrupt"), "\(check.stderr)")
        #expect(check.stderr.split(separator: "\n").count == 1)
        for command in [["search", "mali"], ["search", "armée de l'air"], ["stats"]] {
            let run = try loupe(command + ["--index", index])
            #expect(run.status == 0 || run.status == 1 || (run.status == 2 && run.stderr.hasPrefix("loupe: error: ") && run.stderr.split(separator: "\n").count == 1),
                    "\(run.status): \(run.stderr)")
        }
        // A damaged frame is caught by any open.
        data[0] ^= 0xFF
        try data.write(to: URL(fileURLWithPath: path))
        for command in [["search", "mali"], ["stats"]] {
            let run = try loupe(command + ["--index", index])
            #expect(run.status == 2)
            #expect(run.stderr.hasPrefix("loupe: error: index file") && run.stderr.contains("corrupt"), "\(run.stderr)")
        }
    }

    @Test func checkAndStatsDescribeAHealthyIndex() throws {
        let fixture = try corpusIndex()
        let index = fixture.index
        let check = try loupe(["check", "--index", index])
        #expect(check.status == 0 && check.stdout.hasPrefix("OK"))
        let stats = try loupe(["stats", "--index", index, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        #expect((object["documents"] as? Int ?? 0) >= 41)
        let languages = try #require(object["languages"] as? [String: Int])
        #expect((languages["fr"] ?? 0) >= 10 && (languages["es"] ?? 0) >= 10 && (languages["en"] ?? 0) >= 10)
    }

    @Test func indexesAreMergedUnlessAskedNotTo() throws {
        let dir = TemporaryDirectory()
        for i in 0..<200 { try dir.write("docs/d\(i).txt", "Document \(i) about Bamako, Niamey and the troops number \(i).") }
        func segments(_ extra: [String]) throws -> Int? {
            let index = dir.path + "/index" + extra.joined()
            let run = try loupe(["index", dir.path + "/docs", "--index", index, "--threads", "2", "-q"] + extra)
            #expect(run.status == 0 && run.stdout.isEmpty)
            #expect(try loupe(["check", "--index", index]).status == 0)
            let stats = try loupe(["stats", "--index", index, "--json"])
            let object = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any]
            #expect(object?["documents"] as? Int == 200)
            return object?["segments"] as? Int
        }
        #expect(try segments([]) == 1)
        #expect(try segments(["--no-merge"]) == 2)
    }

    @Test func analyzeShowsTermsPositionsAndByteRanges() throws {
        let run = try loupe(["analyze", "--lang", "fr", "--json", "Les soldats de l’armée"])
        #expect(run.status == 0)
        let tokens = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(tokens.map { $0["term"] as? String } == ["les", "soldat", "de", "arme"])
        #expect(tokens.map { $0["position"] as? Int } == [0, 1, 2, 3])
        #expect(tokens.last?["start"] as? Int == 15 && tokens.last?["end"] as? Int == 25)
    }

    @Test func indexingWarnsAboutBadFilesAndKeepsGoing() throws {
        let dir = TemporaryDirectory()
        try dir.write("docs/good.txt", "Bamako et Niamey.")
        try FileManager.default.createDirectory(atPath: dir.path + "/docs", withIntermediateDirectories: true)
        try Data([0x00, 0xFF, 0x00]).write(to: URL(fileURLWithPath: dir.path + "/docs/bad.txt"))
        let run = try loupe(["index", dir.path + "/docs", "--index", dir.path + "/index"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("loupe: warning: bad.txt:"))
        #expect(run.stdout.contains("Indexed 1 documents"))
    }
}


/// `loupe watch` as a user runs it: saves, editors' replace-by-rename, new and renamed
/// directories are searchable soon after; a second writer is refused; Ctrl-C stops it cleanly.
@Suite struct WatchTests {
    /// Polls `query` until `found` holds for its paths (the watch applies changes within a second
    /// or so; the deadline only bounds a broken test).
    func eventually(_ query: String, _ index: String, _ found: ([String]) -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let run = try CLITests().loupe(["search", query, "--index", index, "--format", "paths", "-k", "100"])
            if found(run.stdout.split(separator: "\n").map { String($0) }) { return true }
            usleep(50_000)
        }
        return false
    }

    @Test func watchKeepsTheIndexFreshAndStopsCleanly() throws {
        let dir = TemporaryDirectory()
        try dir.write("docs/a.txt", "Les soldats sont partis de Gao.")
        try dir.write("docs/sub/b.txt", "The troops left Niamey.")
        let docs = dir.path + "/docs", index = dir.path + "/index"
        let watch = Process()
        watch.executableURL = URL(fileURLWithPath: CLITests.binary)
        watch.arguments = ["watch", docs, "--index", index]
        let out = Pipe()
        watch.standardOutput = out
        watch.standardError = FileHandle.nullDevice
        try watch.run()
        defer { if watch.isRunning { kill(watch.processIdentifier, SIGKILL) } }
        var said = ""
        while !said.contains("Watching") {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            said += String(decoding: data, as: UTF8.self)
        }
        #expect(said.contains("Watching \(docs)"), "\(said)")

        // A new file; a file replaced by rename, as editors save; a new directory; a renamed one.
        try dir.write("docs/c.txt", "Zorglub visite Tombouctou.")
        #expect(try eventually("zorglub", index) { $0.contains { $0.hasSuffix("/c.txt") } })
        try dir.write("docs/.a.txt.swp", "Les soldats sont revenus à Kidal.")
        try FileManager.default.removeItem(atPath: docs + "/a.txt")
        try FileManager.default.moveItem(atPath: docs + "/.a.txt.swp", toPath: docs + "/a.txt")
        #expect(try eventually("kidal", index) { $0.contains { $0.hasSuffix("/a.txt") } })
        #expect(try eventually("gao", index) { $0.isEmpty })
        try dir.write("docs/new/deep/d.txt", "Los niños cruzan la frontera.")
        #expect(try eventually("frontera", index) { $0.contains { $0.hasSuffix("/new/deep/d.txt") } })
        try FileManager.default.moveItem(atPath: docs + "/sub", toPath: docs + "/renamed")
        #expect(try eventually("niamey", index) { $0 == [docs + "/renamed/b.txt"] })
        try dir.write("docs/renamed/e.txt", "Un fichier dans le dossier renommé: Ouagadougou.")
        #expect(try eventually("ouagadougou", index) { $0.contains { $0.hasSuffix("/renamed/e.txt") } })

        // One writer at a time: `loupe index` is refused, naming the watch.
        let refused = try CLITests().loupe(["index", docs, "--index", index])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("being written by another loupe process (pid \(watch.processIdentifier): loupe watch)"), "\(refused.stderr)")

        // Ctrl-C: a clean stop, the lock released, the index complete and up to date.
        kill(watch.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(30)
        while watch.isRunning && Date() < deadline { usleep(20_000) }
        #expect(!watch.isRunning, "Ctrl-C did not stop the watch")
        if watch.isRunning { kill(watch.processIdentifier, SIGKILL) }
        watch.waitUntilExit()
        #expect(watch.terminationReason == .exit && watch.terminationStatus == 0)
        said += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(said.contains("Stopped"), "\(said)")
        let again = try CLITests().loupe(["index", docs, "--index", index])
        #expect(again.status == 0 && again.stdout.hasPrefix("Up to date: 5 files unchanged"), "\(again.stdout)")
        #expect(try CLITests().loupe(["check", "--index", index]).status == 0)
    }
}

/// `kill -9` during `loupe index` at many moments: the index is always either the old one or the
/// new one, complete and verified, never something in between.
@Suite struct CrashSafetyTests {
    func loupeBinary() -> String { CLITests.binary }

    /// Runs `loupe arguments`, its output discarded; with `killAfter`, sends it SIGKILL after
    /// that many microseconds (if it is still running). Returns its exit status.
    @discardableResult
    func run(_ arguments: [String], killAfter microseconds: Int? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: loupeBinary())
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let microseconds {
            usleep(UInt32(microseconds))
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func killingAnIndexRunNeverBreaksTheIndex() throws {
        let dir = TemporaryDirectory()
        try dir.write("small/a.txt", "Les soldats sont partis de Gao.")
        try dir.write("small/b.txt", "The troops left Niamey.")
        var rng = SplitMix(seed: 77)
        let words = ["soldats", "troupes", "armée", "Mali", "Niger", "the", "troops", "army", "ejército", "niños", "frontera", "de", "la"]
        for i in 0..<1_500 {
            let text = (0..<300).map { _ in words[rng.below(words.count)] }.joined(separator: " ")
            try dir.write("big/\(i / 100)/d\(i).txt", text)
        }
        let index = dir.path + "/index"
        #expect(try run(["index", dir.path + "/small", "--index", index]) == 0)
        for attempt in 0..<12 {
            try run(["index", dir.path + (attempt % 2 == 0 ? "/big" : "/small"), "--index", index], killAfter: 2_000 + rng.below(150_000))
            // Whatever the moment of the kill, the index opens, verifies and is one of the two.
            #expect(try run(["check", "--index", index]) == 0, "attempt \(attempt)")
            let stats = Process()
            stats.executableURL = URL(fileURLWithPath: loupeBinary())
            stats.arguments = ["stats", "--json", "--index", index]
            let pipe = Pipe()
            stats.standardOutput = pipe
            try stats.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            stats.waitUntilExit()
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let documents = try #require(object["documents"] as? Int)
            #expect(documents == 2 || documents == 1_500, "attempt \(attempt): \(documents) documents")
        }
        // A run left alone always completes.
        #expect(try run(["index", dir.path + "/big", "--index", index]) == 0)
        #expect(try run(["check", "--index", index]) == 0)
    }

    /// The number of hits of `query` (`loupe search --json`'s total).
    func totalHits(_ query: String, _ index: String) throws -> Int {
        let search = Process()
        search.executableURL = URL(fileURLWithPath: loupeBinary())
        search.arguments = ["search", query, "--json", "--index", index]
        let pipe = Pipe()
        search.standardOutput = pipe
        search.standardError = FileHandle.nullDevice
        try search.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        search.waitUntilExit()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["total_hits"] as? Int)
    }

    /// `kill -9` during incremental updates, the merges they trigger, and `loupe optimize`: each
    /// time the index verifies and holds either all of an update's changes or none.
    @Test func killingAnUpdateOrAMergeNeverBreaksTheIndex() throws {
        let dir = TemporaryDirectory()
        var rng = SplitMix(seed: 91)
        let words = ["soldats", "troupes", "armée", "Mali", "Niger", "the", "troops", "army", "ejército", "niños", "frontera", "de", "la"]
        func text() -> String { (0..<200).map { _ in words[rng.below(words.count)] }.joined(separator: " ") }
        for i in 0..<1_000 { try dir.write("docs/\(i / 100)/d\(i).txt", text()) }
        let docs = dir.path + "/docs", index = dir.path + "/index"
        #expect(try run(["index", docs, "--index", index]) == 0)
        for attempt in 0..<14 {
            // 100 files gain this attempt's marker (and the next run also applies what an
            // interrupted one left undone).
            let marker = "zorglub\(attempt)"
            for i in (0..<1_000).shuffledPrefix(100, &rng) { try dir.write("docs/\(i / 100)/d\(i).txt", text() + " " + marker) }
            try run(attempt % 5 == 4 ? ["optimize", "--index", index] : ["index", docs, "--index", index], killAfter: 1_000 + rng.below(120_000))
            #expect(try run(["check", "--index", index]) == 0, "attempt \(attempt)")
            let hits = try totalHits(marker, index)
            #expect(attempt % 5 == 4 || hits == 0 || hits == 100, "attempt \(attempt): \(hits) documents with the marker")
        }
        // Left alone, the next run applies everything: every file once, the last markers found.
        #expect(try run(["index", docs, "--index", index]) == 0)
        #expect(try run(["check", "--index", index]) == 0)
        #expect(try totalHits("zorglub13", index) == 100)
        #expect(try totalHits("soldats", index) == 1_000)
    }
}
