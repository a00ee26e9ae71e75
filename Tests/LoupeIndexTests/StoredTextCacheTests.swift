import Dispatch
import Foundation
import LoupeIndex
import LoupeTestSupport
import Testing

/// The store's recent-blocks cache, shared by every thread reading a segment (as `serve`'s
/// requests do), gives each document its own text, whatever the order and the concurrency.
@Suite struct StoredTextCacheTests {
    @Test func concurrentReadersGetTheRightTexts() throws {
        let dir = TemporaryDirectory()
        var rng = SplitMix(seed: 3)
        var expected: [String: String] = [:]
        // Enough text for several 128 KiB blocks, documents of very different sizes.
        for i in 0..<300 {
            let words = (0..<(20 + rng.below(600))).map { _ in ["sahel", "niger", "fleuve", "armée", "México", "lago"][rng.below(6)] + "\(rng.below(1000))" }
            let text = "document \(i) " + words.joined(separator: " ")
            expected[String(format: "d%03d.txt", i)] = text
            try dir.write("docs/" + String(format: "d%03d.txt", i), text)
        }
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 2))
        let reader = try IndexReader(path: dir.path + "/index")
        var docs: [(Int, String)] = []
        try reader.forEachLiveDocument { doc, record in docs.append((doc, record.path)) }
        #expect(docs.count == 300)
        let failures = ManagedCounter()
        let all = docs, texts = expected
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            var local = SplitMix(seed: UInt64(worker) + 100)
            for _ in 0..<400 {
                let (doc, path) = all[local.below(all.count)]
                let text = (try? reader.text(doc)).map { String(decoding: $0, as: UTF8.self) }
                if text != texts[path] { failures.add() }
            }
        }
        #expect(failures.value == 0)
    }
}

final class ManagedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
