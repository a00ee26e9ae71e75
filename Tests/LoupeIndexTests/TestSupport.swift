import Foundation
@_exported import LoupeTestSupport
@testable import LoupeBuild
@testable import LoupeFormat
@testable import LoupeIngest
@testable import LoupeRead
@testable import LoupeStorage

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
