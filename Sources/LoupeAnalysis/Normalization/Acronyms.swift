/// Dotted acronyms lose their dots: `o.n.u` → `onu`, `u.s.a` → `usa`, `e.u` → `eu` (the word
/// segmenter keeps `O.N.U.` together, its last dot aside). A word is a dotted acronym when it is
/// two or more single letters joined by dots; a part of two letters or more (`example.com`,
/// `p.ex`) or a digit (`3.14`, `v1.2.3`, `13.00`) leaves it as it is.
enum Acronyms {
    /// Removes the dots of `term` (folded UTF-8) when it is a dotted acronym.
    static func apply(to term: inout [UInt8]) {
        guard term.count >= 3, term.contains(0x2E), isDottedAcronym(term) else { return }
        term.removeAll { $0 == 0x2E }
    }

    static func isDottedAcronym(_ term: [UInt8]) -> Bool {
        var letters = 0
        var i = 0
        while i < term.count {
            // One letter: an ASCII letter, or one non-ASCII scalar (a lead byte and its continuations).
            let b = term[i]
            if b < 0x80 {
                guard (b | 0x20) &- 0x61 < 26 else { return false }
                i += 1
            } else {
                guard b >= 0xC0 else { return false }
                i += 1
                while i < term.count && term[i] & 0xC0 == 0x80 { i += 1 }
            }
            letters += 1
            if i == term.count { break }
            guard term[i] == 0x2E, i + 1 < term.count else { return false }
            i += 1
        }
        return letters >= 2
    }
}
