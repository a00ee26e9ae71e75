import Foundation
@testable import LoupeIndex

/// A fresh temporary directory, removed when the value goes away.
final class TemporaryDirectory {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "loupe-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ relative: String, _ text: String) throws {
        try write(relative, Array(text.utf8))
    }

    func write(_ relative: String, _ bytes: [UInt8]) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }
}

/// A deterministic random number generator for property tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Random documents over a small vocabulary, in three languages, so terms get long postings.
func makeCorpus(in dir: TemporaryDirectory, documents: Int, seed: UInt64) throws {
    var rng = SplitMix(seed: seed)
    let en = ["the", "troops", "soldier", "soldiers", "left", "and", "mali", "niger", "attack", "attacks", "of", "city", "river", "drought", "army"]
    let fr = ["les", "soldats", "soldat", "de", "la", "armée", "l’armée", "quitté", "est", "des", "attaque", "écoles", "école", "et", "pays"]
    let es = ["los", "niños", "niño", "el", "ataque", "ataques", "del", "las", "y", "que", "ejército", "México", "frontera", "es", "con"]
    for d in 0..<documents {
        let vocabulary = [en, fr, es][d % 3]
        let length = 5 + rng.below(400)
        var words: [String] = []
        for i in 0..<length {
            var w = vocabulary[rng.below(vocabulary.count)]
            if i % 17 == 3 { w = "Name\(rng.below(50))" }
            words.append(w)
        }
        try dir.write("docs/\(["en", "fr", "es"][d % 3])/doc\(d).txt", "Title \(d)\n" + words.joined(separator: " ") + ".\n")
    }
}
