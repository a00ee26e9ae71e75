import Foundation
import LoupeIndex
import LoupeSearch
@testable import LoupeServe
import LoupeTestSupport
import Synchronization
import Testing

/// The port a starting server reports, handed to whoever waits for it (once).
final class PortPromise: Sendable {
    private enum State {
        case empty, waiting(CheckedContinuation<Int, any Error>), done(Result<Int, any Error>)
    }
    private let state = Mutex<State>(.empty)

    func fulfill(_ result: Result<Int, any Error>) {
        state.withLock { s in
            switch s {
            case .empty: s = .done(result)
            case .waiting(let continuation): continuation.resume(with: result); s = .done(result)
            case .done: break
            }
        }
    }

    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            state.withLock { s in
                if case .done(let result) = s { continuation.resume(with: result) } else { s = .waiting(continuation) }
            }
        }
    }
}

/// A `LoupeServer` on a free loopback port for one test, stopped at the end.
struct RunningServer {
    let port: Int
    let task: Task<Void, Never>

    static func start(index: String) async throws -> RunningServer {
        var server = LoupeServer(index: try IndexHandle(path: index, reopenInterval: 0.05), host: "127.0.0.1", port: 0)
        server.logLevel = .critical
        let promise = PortPromise()
        let task = Task {
            do {
                try await server.run { port in promise.fulfill(.success(port)) }
            } catch {
                promise.fulfill(.failure(error))
            }
        }
        return RunningServer(port: try await promise.value(), task: task)
    }

    func stop() async {
        // Cancelling the task shuts the server down (as a signal would).
        task.cancel()
        _ = await task.result
    }
}

/// `loupe serve` answered over real HTTP on loopback: the search contract, bounds and errors,
/// documents by id with their matches, completions, stats, health, metrics, the page, and an
/// index committed while it runs.
@Suite(.serialized) struct ServeTests {
    static func corpus() throws -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        try dir.write("docs/fr/armee.txt", "L’armée française quitte le Mali.\nLes soldats rentrent à Paris après neuf ans au Sahel.")
        try dir.write("docs/en/sahel.txt", "The Sahel stretches from Senegal to Sudan. Mali and Niger are Sahel states.")
        try dir.write("docs/es/mexico.txt", "México celebra el Día de Muertos en Oaxaca con altares y flores.")
        try dir.write("docs/en/evil.html", "<html><head><title>&lt;script&gt;alert(1)&lt;/script&gt;</title></head><body><p>A page about the Sahel and Mali with an evil title.</p></body></html>")
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 1))
        return dir
    }

    @Test func searchAnswersTheCLIsJSONContract() async throws {
        let dir = try Self.corpus()
        let server = try await RunningServer.start(index: dir.path + "/index")
        defer { Task { await server.stop() } }
        let answer = try await get(server.port, "/search?q=mali%20sahel&k=2")
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"] == "application/json; charset=utf-8")
        let expected = try Searcher(reader: IndexReader(path: dir.path + "/index")).respond(to: "mali sahel", k: 2)
        let json = try #require(answer.json)
        #expect(json["total_hits"] as? Int == expected.totalHits)
        let hits = try #require(json["hits"] as? [[String: Any]])
        #expect(hits.map { $0["path"] as? String } == expected.hits.map(\.path))
        #expect(hits.map { $0["id"] as? Int } == expected.hits.map(\.doc))
        // Each hit is byte for byte what `loupe search --json` prints for it.
        for hit in expected.hits { #expect(answer.text.contains(hit.json.rendered), "\(hit.path)") }
        #expect(json["facets"] == nil)
        // `+` and %-escapes decode; paging and the language filter apply; facets count per language.
        let page2 = try #require(try await get(server.port, "/search?q=mali+sahel&k=1&offset=1").json)
        #expect((page2["hits"] as? [[String: Any]])?.first?["rank"] as? Int == 2)
        let french = try #require(try await get(server.port, "/search?q=mali&lang=fr&facets=1").json)
        #expect((french["hits"] as? [[String: Any]])?.map { $0["path"] as? String } == ["fr/armee.txt"])
        let facets = (french["facets"] as? [String: Any])?["languages"] as? [String: Int]
        #expect(facets == ["en": 2, "fr": 1, "es": 0, "other": 0])
        let accented = try #require(try await get(server.port, "/search?q=arm%C3%A9e").json)
        #expect((accented["hits"] as? [[String: Any]])?.first?["path"] as? String == "fr/armee.txt")
    }

    @Test func badInputIsA400WithAJSONError() async throws {
        let dir = try Self.corpus()
        let server = try await RunningServer.start(index: dir.path + "/index")
        defer { Task { await server.stop() } }
        let long = String(repeating: "a", count: 600)
        for target in ["/search", "/search?q=", "/search?q=%20%20", "/search?q=\(long)", "/search?q=mali&k=0", "/search?q=mali&k=101",
                       "/search?q=mali&k=ten", "/search?q=mali&offset=-1", "/search?q=mali&offset=5000", "/search?q=mali&lang=de",
                       "/search?q=mali%20AND", "/search?q=*", "/doc/abc", "/doc/-1", "/doc/..%2F..%2Fetc%2Fpasswd", "/suggest", "/suggest?q=sa&k=999"] {
            let answer = try await get(server.port, target)
            #expect(answer.status == 400, "\(target): \(answer.status) \(answer.text)")
            #expect((answer.json?["error"] as? String)?.isEmpty == false, "\(target): \(answer.text)")
        }
        #expect(try await get(server.port, "/doc/999999").status == 404)
        #expect(try await get(server.port, "/nowhere").status == 404)
        let post = try await get(server.port, "/search?q=mali", method: "POST")
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
    }

    @Test func documentsByIdWithTheirMatches() async throws {
        let dir = try Self.corpus()
        let server = try await RunningServer.start(index: dir.path + "/index")
        defer { Task { await server.stop() } }
        let hit = try #require((try await get(server.port, "/search?q=soldat").json?["hits"] as? [[String: Any]])?.first)
        let id = try #require(hit["id"] as? Int)
        let doc = try #require(try await get(server.port, "/doc/\(id)?q=soldat%20mali").json)
        #expect(doc["path"] as? String == "fr/armee.txt")
        let text = try #require(doc["text"] as? String)
        let scalars = Array(text.unicodeScalars)
        let marked = (doc["highlights"] as? [[Int]] ?? []).map { String(String.UnicodeScalarView(scalars[$0[0]..<$0[1]])) }
        #expect(marked == ["Mali", "soldats"], "\(marked)")
        #expect(doc["truncated"] as? Bool == false)
        // Without a query: the text, nothing marked.
        #expect((try await get(server.port, "/doc/\(id)").json?["highlights"] as? [Any])?.isEmpty == true)
    }

    @Test func titlesAreDataNeverMarkup() async throws {
        let dir = try Self.corpus()
        let server = try await RunningServer.start(index: dir.path + "/index")
        defer { Task { await server.stop() } }
        let answer = try await get(server.port, "/search?q=evil")
        let hits = try #require(answer.json?["hits"] as? [[String: Any]])
        #expect(hits.first?["title"] as? String == "<script>alert(1)</script>")
        let page = try await get(server.port, "/")
        #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)
        #expect(page.headers["x-content-type-options"] == "nosniff")
        // The page builds its DOM from text nodes only.
        #expect(!page.text.contains("innerHTML") && !page.text.contains("outerHTML") && !page.text.contains("insertAdjacentHTML"))
        #expect(!page.text.contains("http://") && !page.text.contains("https://"), "the page fetches nothing from elsewhere")
    }

    @Test func suggestionsStatsHealthAndMetrics() async throws {
        let dir = try Self.corpus()
        let server = try await RunningServer.start(index: dir.path + "/index")
        defer { Task { await server.stop() } }
        let suggest = try #require(try await get(server.port, "/suggest?q=Sah").json)
        let terms = (suggest["suggestions"] as? [[String: Any]])?.compactMap { $0["term"] as? String }
        #expect(terms?.first == "sahel", "\(suggest)")
        let stats = try #require(try await get(server.port, "/stats").json)
        #expect(stats["documents"] as? Int == 4)
        #expect((stats["languages"] as? [String: Int])?["fr"] == 1)
        let health = try #require(try await get(server.port, "/health").json)
        #expect(health["status"] as? String == "ok" && health["generation"] as? Int == 1)
        _ = try await get(server.port, "/search?q=mali")
        _ = try await get(server.port, "/search?q=")
        let metrics = try await get(server.port, "/metrics")
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(metrics.text.contains("loupe_http_requests_total{route=\"/search\",status=\"200\"} 1\n"), "\(metrics.text)")
        #expect(metrics.text.contains("loupe_http_requests_total{route=\"/search\",status=\"400\"} 1\n"))
        #expect(metrics.text.contains("loupe_http_request_duration_seconds_count{route=\"/search\"} 2\n"))
        #expect(metrics.text.contains("loupe_index_documents 4\n"))
    }

    @Test func aNewCommitIsServedWithoutARestart() async throws {
        let dir = try Self.corpus()
        let server = try await RunningServer.start(index: dir.path + "/index")
        defer { Task { await server.stop() } }
        #expect((try await get(server.port, "/search?q=zanzibar").json?["total_hits"] as? Int) == 0)
        try dir.write("docs/en/zanzibar.txt", "Zanzibar lies off the coast of Tanzania.")
        _ = try IndexBuilder.update(corpus: dir.path + "/docs", index: dir.path + "/index")
        try await Task.sleep(for: .milliseconds(150))
        let after = try #require(try await get(server.port, "/search?q=zanzibar").json)
        #expect(after["total_hits"] as? Int == 1)
        #expect(try await get(server.port, "/health").json?["generation"] as? Int == 2)
    }

    @Test func aSlowAnswerIsA503() async throws {
        let dir = try Self.corpus()
        var server = LoupeServer(index: try IndexHandle(path: dir.path + "/index"))
        server.requestTimeout = 0.05
        let answer = await server.bounded {
            Thread.sleep(forTimeInterval: 0.5)
            return APIResponse(status: 200, contentType: "text/plain", body: "late")
        }
        #expect(answer.status == 503)
        #expect(LoupeServer.parameters("q=a+b%20c&k=5&q=ignored&bad=%zz&flag") == ["q": "a b c", "k": "5", "bad": "%zz", "flag": ""])
    }
}
