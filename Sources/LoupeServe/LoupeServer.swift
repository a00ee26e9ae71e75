import Dispatch
import LoupeAnalysis
import HTTPTypes
import Hummingbird
import Logging
import LoupeSearch

/// `loupe serve`: the HTTP API (`SearchAPI`) and the search page (`SearchPage`) on Hummingbird.
/// Binds loopback unless told otherwise; every answer is computed off the server's event loops
/// (on Dispatch's global queue) under a deadline of `requestTimeout` seconds, past which the
/// client gets a 503 while the work finishes and is dropped; idle connections close after
/// `idleTimeout` seconds.
public struct LoupeServer: Sendable {
    public var host: String
    public var port: Int
    public var requestTimeout: Double = 10
    public var idleTimeout: Int64 = 30
    /// Hummingbird's own log lines (server started, a connection's errors) from this level up.
    public var logLevel: Logger.Level = .warning
    public let api: SearchAPI
    public let metrics = ServerMetrics()

    public init(index: IndexHandle, host: String = "127.0.0.1", port: Int = 7700) {
        self.api = SearchAPI(index: index)
        self.host = host
        self.port = port
    }

    /// The answer to a GET of `path` with the raw query string `query` (percent-encoded).
    public func respond(path: String, query: String?) async -> APIResponse {
        let parameters = Self.parameters(query ?? "")
        let api = self.api
        switch path {
        case "/":
            return APIResponse(status: 200, contentType: "text/html; charset=utf-8", body: SearchPage.html)
        case "/health":
            return api.health()
        case "/metrics":
            let reader = api.index.reader()
            return APIResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8",
                               body: metrics.exposition(documents: reader.docCount, generation: Int(reader.manifest.generation)))
        case "/search":
            return await bounded { api.search(parameters) }
        case "/suggest":
            return await bounded { api.suggest(parameters) }
        case "/stats":
            return await bounded { api.stats() }
        default:
            if path.hasPrefix("/doc/") {
                let id = String(path.dropFirst(5))
                return await bounded { api.document(id: id, parameters: parameters) }
            }
            return .error(404, "no such route: \(path) (try /, /search?q=, /doc/ID, /suggest?q=, /stats, /health, /metrics)")
        }
    }

    /// Runs `work` on a Dispatch queue; a 503 when it takes longer than `requestTimeout`.
    func bounded(_ work: @escaping @Sendable () -> APIResponse) async -> APIResponse {
        let once = Locked<CheckedContinuation<APIResponse, Never>?>(nil)
        let timeout = requestTimeout
        return await withCheckedContinuation { continuation in
            once.withLock { $0 = continuation }
            @Sendable func finish(_ response: APIResponse) {
                once.withLock { pending in
                    pending?.resume(returning: response)
                    pending = nil
                }
            }
            DispatchQueue.global().async { finish(work()) }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                finish(.error(503, "the request took longer than \(timeout) s; try a narrower query"))
            }
        }
    }

    /// Decodes a URL's query string: `&`-separated `name=value` pairs, `+` as a space, `%XX`
    /// escapes (invalid ones kept as typed); the first of a repeated name wins.
    public static func parameters(_ query: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0]), value = parts.count > 1 ? decode(parts[1]) : ""
            if out[name] == nil { out[name] = value }
        }
        return out
    }

    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var i = 0
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x41...0x46: return b - 0x41 + 10
            case 0x61...0x66: return b - 0x61 + 10
            default: return nil
            }
        }
        while i < utf8.count {
            let b = utf8[i]
            if b == 0x2B {
                bytes.append(0x20)
            } else if b == 0x25, i + 2 < utf8.count, let hi = hex(utf8[i + 1]), let lo = hex(utf8[i + 2]) {
                bytes.append(hi << 4 | lo)
                i += 2
            } else {
                bytes.append(b)
            }
            i += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Serves until SIGINT or SIGTERM; `onRunning` gets the port bound (useful with port 0).
    public func run(onRunning: @escaping @Sendable (Int) -> Void) async throws {
        let app = Application(
            responder: HTTPAnswerer(server: self),
            server: .http1(configuration: .init(idleTimeout: .seconds(idleTimeout))),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "Loupe"),
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? 0) },
            logger: {
                // Hummingbird's own lines (server started, errors of single connections) only
                // from warnings up: the CLI says what it serves.
                var logger = Logger(label: "loupe-serve")
                logger.logLevel = logLevel
                return logger
            }()
        )
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}

/// Hands every request to `LoupeServer.respond` (GET and HEAD only), counts it, and adds the
/// headers every answer carries: no caching, no content sniffing, and for the page a content
/// security policy that allows nothing from elsewhere.
struct HTTPAnswerer: HTTPResponder {
    typealias Context = BasicRequestContext
    let server: LoupeServer

    static let noSniff = HTTPField.Name("X-Content-Type-Options")
    static let policy = HTTPField.Name("Content-Security-Policy")
    static let referrer = HTTPField.Name("Referrer-Policy")
    static let pagePolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
        + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let path = request.uri.path
        let answer: APIResponse
        if request.method == .get || request.method == .head {
            answer = await server.respond(path: path, query: request.uri.query)
        } else {
            answer = .error(405, "only GET is served")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        server.metrics.record(route: ServerMetrics.route(of: path), status: answer.status, seconds: seconds)
        var headers: HTTPFields = [.contentType: answer.contentType, .cacheControl: "no-store"]
        if let name = Self.noSniff { headers[name] = "nosniff" }
        if answer.contentType.hasPrefix("text/html") {
            if let name = Self.policy { headers[name] = Self.pagePolicy }
            if let name = Self.referrer { headers[name] = "no-referrer" }
        }
        if answer.status == 405 { headers[.allow] = "GET, HEAD" }
        return Response(status: HTTPResponse.Status(code: answer.status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
    }
}
