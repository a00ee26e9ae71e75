import Foundation
import LoupeTestSupport
import Testing

/// `loupe serve` and the terminal niceties as a user meets them: the binary serves on loopback
/// by default and says where, refuses a port in use with a clear error, stops on SIGTERM;
/// `loupe index --verbose` lists files; completions are generated.
@Suite struct ServeCLITests {
    let cli = CLITests()

    func smallIndex() throws -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        try dir.write("docs/a.txt", "Le fleuve Niger traverse le Mali.")
        try dir.write("docs/b.md", "# Sahel\n\nThe Sahel and Mali.")
        let run = try cli.loupe(["index", dir.path + "/docs", "--index", dir.path + "/index", "--verbose"])
        #expect(run.status == 0)
        // --verbose: each file with its kind, on stderr.
        #expect(run.stderr.contains("text\ta.txt") && run.stderr.contains("markdown\tb.md"), "\(run.stderr)")
        return dir
    }

    /// Starts `loupe serve` and returns it with the first line it printed.
    func serve(_ arguments: [String]) throws -> (Process, String, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = ["serve"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        return (process, String(decoding: line, as: UTF8.self), err)
    }

    @Test func servesOnLoopbackAndStopsOnSIGTERM() throws {
        let dir = try smallIndex()
        let (server, line, _) = try serve(["--index", dir.path + "/index", "--port", "0"])
        defer { if server.isRunning { server.terminate() } }
        #expect(line.contains("(2 documents) on http://127.0.0.1:"), "\(line)")
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        let health = try httpRequest(port: port, "/health")
        #expect(health.status == 200 && health.text.contains("\"status\": \"ok\""), "\(health.text)")
        // A second server on the same port: a clear error, exit status 2.
        let second = try cli.loupe(["serve", "--index", dir.path + "/index", "--port", "\(port)"])
        #expect(second.status == 2)
        #expect(second.stderr.contains("loupe: error: cannot serve on 127.0.0.1:\(port)"), "\(second.stderr)")
        server.terminate()
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
    }

    @Test func badOptionsAndAMissingIndexAreErrors() throws {
        let dir = TemporaryDirectory()
        let missing = try cli.loupe(["serve", "--index", dir.path + "/nothing", "--port", "0"])
        #expect(missing.status == 2 && missing.stderr.contains("loupe: error:"), "\(missing.stderr)")
        let port = try cli.loupe(["serve", "--port", "70000"])
        #expect(port.status != 0 && port.stderr.contains("--port must be between 0 and 65535"))
    }

    @Test func completionScriptsAreGenerated() throws {
        for shell in ["bash", "zsh", "fish"] {
            let run = try cli.loupe(["--generate-completion-script", shell])
            #expect(run.status == 0 && run.stdout.contains("serve") && run.stdout.contains("index"), "\(shell)")
        }
    }
}
