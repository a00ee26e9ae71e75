import Foundation
import LoupeTestSupport
import Testing

/// Files built to hurt: a ZIP bomb, XML nested 100,000 deep, a 5 MB line, names that are not
/// UTF-8 or hold a line break. Each gets a warning or is indexed; the run goes on; names are
/// shown escaped and opened byte for byte.
@Suite struct HostileFilesTests {
    let cli = CLITests()

    func python(_ script: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", script]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    @Test func hostileFilesAreWarnedAboutOrIndexedAndTheRunGoesOn() throws {
        let fixture = CLITests.Fixture()
        let docs = fixture.dir.path + "/docs"
        try FileManager.default.createDirectory(atPath: docs, withIntermediateDirectories: true)
        try python("""
            import os, zipfile
            os.chdir(\(String(reflecting: docs)))
            z = zipfile.ZipFile('bomb.docx', 'w', zipfile.ZIP_DEFLATED)
            z.writestr('word/document.xml', b'<w:document xmlns:w="x"><w:body>' + b' ' * (300 << 20) + b'</w:body></w:document>')
            z.close()
            z = zipfile.ZipFile('deep.docx', 'w', zipfile.ZIP_DEFLATED)
            z.writestr('word/document.xml', '<w:document xmlns:w="x">' + '<w:p>' * 100000 + 'soldats' + '</w:p>' * 100000 + '</w:document>')
            z.close()
            open('long.txt', 'w').write('marché ' * 700000 + 'tombouctou\\n')
            open(b'inv\\xffalid.txt', 'w').write('Les soldats sont ici.\\n')
            open('bad\\nname.txt', 'w').write('Les soldats sont partis.\\n')
            """)
        let run = try cli.loupe(["index", docs, "--index", fixture.index])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("bomb.docx: word/document.xml would inflate to 300 MiB, over the limit; skipped"), "\(run.stderr)")
        #expect(run.stderr.contains("deep.docx: word/document.xml is not well-formed XML; skipped"), "\(run.stderr)")
        #expect(run.stdout.contains("Indexed 3 documents"), "\(run.stdout)")
        // The 5 MB line: its last word is found, with a bounded snippet.
        let long = try cli.loupe(["search", "tombouctou", "--index", fixture.index])
        #expect(long.status == 0 && long.stdout.contains("long.txt") && long.stdout.contains("tombouctou"))
        #expect(long.stdout.split(separator: "\n").allSatisfy { $0.count < 1000 })
        // Names: shown escaped in text, and given byte for byte to --format paths.
        let names = try cli.loupe(["search", "soldats", "--index", fixture.index])
        #expect(names.stdout.contains("inv\\xFFalid.txt · fr"), "\(names.stdout)")
        #expect(names.stdout.contains("bad␊name.txt · fr"), "\(names.stdout)")
        let paths = try cli.loupe(["search", "ici", "--format", "paths", "--index", fixture.index])
        let path = Array(paths.stdout.utf8.dropLast())
        #expect(FileManager.default.fileExists(atPath: String(decoding: path, as: UTF8.self)) == false)
        let raw = try #require(docs.data(using: .utf8)) + Data("/inv".utf8) + Data([0xFF]) + Data("alid.txt\n".utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = ["search", "ici", "--format", "paths", "--index", fixture.index]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let bytes = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(bytes == raw, "\(Array(bytes))")
        // The next run finds nothing changed: the odd names compare equal to themselves.
        let again = try cli.loupe(["index", docs, "--index", fixture.index])
        #expect(again.stdout.contains("Up to date: 5 files unchanged"), "\(again.stdout)")
    }
}
