import LoupeAnalysis

/// Request counts and a latency histogram per route, for `GET /metrics` in Prometheus's text
/// format (version 0.0.4): `loupe_http_requests_total{route, status}`,
/// `loupe_http_request_duration_seconds{route}` (buckets, sum, count), and the index's documents
/// and generation as gauges.
public final class ServerMetrics: Sendable {
    /// The histogram's upper bounds, in seconds.
    public static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    private struct Histogram {
        var counts = [Int](repeating: 0, count: ServerMetrics.buckets.count)
        var sum = 0.0
        var count = 0
    }
    private struct State {
        var requests: [String: [Int: Int]] = [:]
        var latency: [String: Histogram] = [:]
    }
    private let state = Locked(State())

    public init() {}

    /// The route a path is counted under: the API's own, `/doc` for every document, or `other`.
    public static func route(of path: String) -> String {
        if path.hasPrefix("/doc/") { return "/doc" }
        return ["/", "/search", "/suggest", "/stats", "/health", "/metrics"].contains(path) ? path : "other"
    }

    public func record(route: String, status: Int, seconds: Double) {
        state.withLock { s in
            s.requests[route, default: [:]][status, default: 0] += 1
            var h = s.latency[route] ?? Histogram()
            for (i, bound) in Self.buckets.enumerated() where seconds <= bound { h.counts[i] += 1 }
            h.sum += seconds
            h.count += 1
            s.latency[route] = h
        }
    }

    /// The text `/metrics` answers.
    public func exposition(documents: Int, generation: Int) -> String {
        let s = state.withLock { $0 }
        var out = "# HELP loupe_http_requests_total HTTP requests answered, by route and status.\n# TYPE loupe_http_requests_total counter\n"
        for route in s.requests.keys.sorted() {
            for (status, count) in s.requests[route, default: [:]].sorted(by: { $0.key < $1.key }) {
                out += "loupe_http_requests_total{route=\"\(route)\",status=\"\(status)\"} \(count)\n"
            }
        }
        out += "# HELP loupe_http_request_duration_seconds Time from a request's arrival to its response, by route.\n# TYPE loupe_http_request_duration_seconds histogram\n"
        for route in s.latency.keys.sorted() {
            guard let h = s.latency[route] else { continue }
            for (i, bound) in Self.buckets.enumerated() {
                out += "loupe_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"\(bound)\"} \(h.counts[i])\n"
            }
            out += "loupe_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(h.count)\n"
            out += "loupe_http_request_duration_seconds_sum{route=\"\(route)\"} \(h.sum)\n"
            out += "loupe_http_request_duration_seconds_count{route=\"\(route)\"} \(h.count)\n"
        }
        out += "# HELP loupe_index_documents Live documents in the index served.\n# TYPE loupe_index_documents gauge\nloupe_index_documents \(documents)\n"
        out += "# HELP loupe_index_generation Generation of the index served.\n# TYPE loupe_index_generation gauge\nloupe_index_generation \(generation)\n"
        return out
    }
}
