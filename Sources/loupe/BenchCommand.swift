import Foundation
import ArgumentParser
import LoupeIndex
import LoupeSearch

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time queries in-process: p50/p95/p99 latency (µs) and queries per second.",
        discussion: """
        Runs every query of FILE (one per line, # comments skipped) once to warm up, then --rounds times. \
        Each round first parses every query (analysis included), then searches the parsed queries one after \
        another — as peers.py times Tantivy and Xapian, whose queries are parsed before the clock starts. \
        Each query is timed twice over: the search of the parsed query (dictionary lookups and top-k ranking, \
        no snippets), and end to end (its parse time added). With --passages N, each query is timed as the whole \
        answer `loupe search` gives: the search, each hit's snippet and N passages (0: snippets only).
        """
    )

    @OptionGroup var location: IndexLocation

    @Option(name: .long, help: ArgumentHelp("Query file, one query per line.", valueName: "file"))
    var queries: String

    @Option(name: .short, help: "Results per query.")
    var k: Int = 10

    @Option(name: .long, help: "Timed rounds over the query file.")
    var rounds: Int = 3

    @Flag(name: .long, help: "Score exhaustively instead of pruning.")
    var exhaustive = false

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    @Option(name: .long, help: "Also list the N slowest queries (median over rounds).")
    var slowest: Int = 0

    @Option(name: .long, help: ArgumentHelp("Time whole answers: search, snippets and N passages per hit.", valueName: "N"))
    var passages: Int?

    func validate() throws {
        if k < 1 { throw ValidationError("-k must be at least 1") }
        if rounds < 1 { throw ValidationError("--rounds must be at least 1") }
        if let passages, passages < 0 { throw ValidationError("--passages must be 0 or more") }
    }

    func run() throws {
        try reportingErrors {
            let lines = try String(decoding: CorpusWalker.read(queries), as: UTF8.self)
                .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters() }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
            guard !lines.isEmpty else { throw IndexError.invalidInput("no queries in \(queries)") }
            let reader = try IndexReader(path: location.index)
            let searcher = try Searcher(reader: reader)
            let strategy: RetrievalStrategy = exhaustive ? .exhaustive : .maxScore
            // For measuring: the term-at-a-time limit (`Searcher.termAtATimeLimit`; 0 turns it off).
            if let limit = ProcessInfo.processInfo.environment["LOUPE_TAAT_LIMIT"].flatMap({ Int($0) }) { searcher.termAtATimeLimit = limit }
            var samples: [Double] = [], endToEnd: [Double] = [], planSamples: [Double] = []
            samples.reserveCapacity(lines.count * rounds)
            endToEnd.reserveCapacity(lines.count * rounds)
            var totalSeconds = 0.0
            var perQuery = [[Double]](repeating: [], count: lines.count)
            // For profiling: the plan, or the search of a plan, done 50 times more per query; and
            // the caches emptied before each query (8 MiB written), as when other work runs between.
            let planLoop = ProcessInfo.processInfo.environment["LOUPE_PLAN_LOOP"] != nil
            let searchLoop = ProcessInfo.processInfo.environment["LOUPE_SEARCH_LOOP"] != nil
            let evict: UnsafeMutableBufferPointer<UInt8>? = ProcessInfo.processInfo.environment["LOUPE_EVICT"] != nil ? .allocate(capacity: 8 << 20) : nil
            evict?.initialize(repeating: 0)
            var returned = 0, scored = 0
            var parsed: [ParsedQuery] = []
            var parseSeconds = [Double](repeating: 0, count: lines.count)
            for round in 0...rounds {
                // Every query parsed first, as the peers' harness does, each parse timed.
                if passages == nil {
                    parsed.removeAll(keepingCapacity: true)
                    for (i, q) in lines.enumerated() {
                        let t0 = monotonicSeconds()
                        parsed.append(searcher.parse(q))
                        parseSeconds[i] = monotonicSeconds() - t0
                    }
                }
                for (i, q) in lines.enumerated() {
                    if let passages {
                        // The whole answer, as `loupe search` builds it.
                        let t0 = monotonicSeconds()
                        let response = try searcher.respond(to: q, k: k, strategy: strategy, passages: passages)
                        let t2 = monotonicSeconds()
                        returned += response.hits.count
                        if round > 0 {
                            samples.append((t2 - t0) * 1e6)
                            endToEnd.append((t2 - t0) * 1e6)
                            planSamples.append(0)
                            perQuery[i].append((t2 - t0) * 1e6)
                            totalSeconds += t2 - t0
                        }
                        continue
                    }
                    if let evict { for i in stride(from: 0, to: evict.count, by: 64) { evict[i] &+= 1 } }
                    let t1 = monotonicSeconds()
                    var plan = try searcher.plan(parsed[i])
                    if planLoop { for _ in 0..<50 { plan = try searcher.plan(parsed[i]) } }
                    let tp = monotonicSeconds()
                    if searchLoop { for _ in 0..<50 { _ = try searcher.search(plan, k: k, strategy: strategy, countTotal: false) } }
                    let ranked = try searcher.search(plan, k: k, strategy: strategy, countTotal: false)
                    let t2 = monotonicSeconds()
                    if round > 0 { planSamples.append((tp - t1) * 1e6) }
                    returned += ranked.hits.count
                    scored += ranked.scored
                    if round > 0 {
                        samples.append((t2 - t1) * 1e6)
                        endToEnd.append((t2 - t1 + parseSeconds[i]) * 1e6)
                        perQuery[i].append((t2 - t1) * 1e6)
                        totalSeconds += t2 - t1
                    }
                }
            }
            if slowest > 0 {
                let medians = perQuery.enumerated().map { ($0.offset, $0.element.sorted()[$0.element.count / 2]) }.sorted { $0.1 > $1.1 }
                for (i, us) in medians.prefix(slowest) { Terminal.writeStderr("\(fixed(us, 1)) µs\t\(lines[i])\n") }
            }
            samples.sort()
            endToEnd.sort()
            planSamples.sort()
            func pick(_ sorted: [Double], _ q: Double) -> Double { sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] }
            let qps = Double(samples.count) / totalSeconds
            if json {
                print(JSON.object([("p50_us", .double(pick(samples, 0.5))), ("p95_us", .double(pick(samples, 0.95))), ("p99_us", .double(pick(samples, 0.99))),
                                   ("qps", .double(qps.rounded())), ("queries", .int(lines.count)), ("results", .int(returned)), ("scored_per_query", .double((Double(scored) / Double(lines.count * (rounds + 1))).rounded())),
                                   ("plan_p50_us", .double(pick(planSamples, 0.5))), ("end_to_end_p50_us", .double(pick(endToEnd, 0.5))), ("end_to_end_p95_us", .double(pick(endToEnd, 0.95))),
                                   ("end_to_end_p99_us", .double(pick(endToEnd, 0.99))),
                                   // Each query's timed rounds, in the file's order (for figures by kind of query).
                                   ("per_query_us", .array(perQuery.map { .array($0.map { .double(($0 * 10).rounded() / 10) }) }))]).rendered)
            } else if let passages {
                print("\(lines.count) queries × \(rounds) rounds, top \(k), \(grouped(returned)) results returned, each with its snippet and \(passages) passages")
                print("answer      p50 \(fixed(pick(samples, 0.5), 1)) µs   p95 \(fixed(pick(samples, 0.95), 1)) µs   p99 \(fixed(pick(samples, 0.99), 1)) µs   \(fixed(qps, 0)) queries/s")
            } else {
                print("\(lines.count) queries × \(rounds) rounds, top \(k), \(strategy.rawValue), \(grouped(returned)) results returned, \(grouped(scored / (lines.count * (rounds + 1)))) documents scored per query")
                print("search      p50 \(fixed(pick(samples, 0.5), 1)) µs   p95 \(fixed(pick(samples, 0.95), 1)) µs   p99 \(fixed(pick(samples, 0.99), 1)) µs   \(fixed(qps, 0)) queries/s")
                print("  of which  p50 \(fixed(pick(planSamples, 0.5), 1)) µs looking the query up in the dictionary (its plan)")
                print("end to end  p50 \(fixed(pick(endToEnd, 0.5), 1)) µs   p95 \(fixed(pick(endToEnd, 0.95), 1)) µs   p99 \(fixed(pick(endToEnd, 0.99), 1)) µs   (query analysis included)")
            }
        }
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
