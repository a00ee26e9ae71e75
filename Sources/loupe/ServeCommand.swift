import ArgumentParser
import LoupeAnalysis
import Dispatch
import LoupeIndex
import LoupeServe

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the index over HTTP: a JSON API and a search page.",
        discussion: """
            Routes (GET): / the search page; /search?q=&k=&offset=&lang=&explain= the same JSON object as \
            `loupe search --json` (k at most 100, offset at most 1000, q at most 512 bytes); /doc/ID?q= a \
            document's text with the query's matches (ID from a hit's "id"); /suggest?q= the commonest indexed \
            words starting with the query's last word; /stats; /health; /metrics (Prometheus text). Bad input is a \
            400 with {"error": …}. Listens on 127.0.0.1 unless --host says otherwise. A newly committed index (by \
            `loupe index` or `loupe watch`) is picked up within half a second, without a restart. Ctrl-C stops it.
            """
    )

    @OptionGroup var location: IndexLocation

    @Option(name: .long, help: ArgumentHelp("Address to listen on (0.0.0.0: every interface).", valueName: "host"))
    var host = "127.0.0.1"

    @Option(name: .long, help: ArgumentHelp("Port to listen on (0: any free port, printed).", valueName: "port"))
    var port = 7700

    @Option(name: .long, help: ArgumentHelp("Seconds a request may take before a 503.", valueName: "seconds"))
    var timeout = 10.0

    func validate() throws {
        if port < 0 || port > 65_535 { throw ValidationError("--port must be between 0 and 65535") }
        if !(timeout > 0 && timeout <= 3600) { throw ValidationError("--timeout must be between 0 and 3600 seconds") }
    }

    func run() throws {
        try reportingErrors {
            let handle = try IndexHandle(path: location.index)
            var server = LoupeServer(index: handle, host: host, port: port)
            server.requestTimeout = timeout
            let outcome = Locked<Result<Void, any Error>?>(nil)
            let done = DispatchSemaphore(value: 0)
            let host = self.host, index = location.index
            let documents = handle.reader().docCount
            Task.detached { [server] in
                do {
                    try await server.run { port in
                        let shown = host.contains(":") ? "[\(host)]" : host
                        print("Serving \(index) (\(grouped(documents)) documents) on http://\(shown):\(port)/ — Ctrl-C stops")
                        Terminal.flushStdout()
                    }
                    outcome.withLock { $0 = .success(()) }
                } catch {
                    outcome.withLock { $0 = .failure(error) }
                }
                done.signal()
            }
            done.wait()
            if case .failure(let error) = outcome.withLock({ $0 }) {
                throw ServeError.cannotServe(host: host, port: port, underlying: "\(error)")
            }
        }
    }
}

enum ServeError: Error, CustomStringConvertible {
    case cannotServe(host: String, port: Int, underlying: String)

    var description: String {
        switch self {
        case .cannotServe(let host, let port, let underlying):
            return "cannot serve on \(host):\(port): \(underlying)"
        }
    }
}
