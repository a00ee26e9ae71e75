#if canImport(Glibc)
import Glibc
#endif

import LoupeFormat
import LoupeStorage

/// The patterns of a `.loupeignore` file.
struct IgnoreRules {
    private var namePatterns: [String] = []
    private var pathPatterns: [String] = []

    init(_ text: String) {
        for line in text.split(whereSeparator: \.isNewline) {
            let pattern = line.trimmingWhitespace()
            if pattern.isEmpty || pattern.hasPrefix("#") { continue }
            let cleaned = pattern.hasPrefix("/") ? String(pattern.dropFirst()) : pattern
            if pattern.contains("/") { pathPatterns.append(cleaned.hasSuffix("/") ? String(cleaned.dropLast()) : cleaned) } else { namePatterns.append(cleaned) }
        }
    }

    /// Whether a pattern matches the entry. `path` is built only when there are path patterns
    /// (the walk asks for every entry of every directory).
    func matches(name: String, path: @autoclosure () -> String) -> Bool {
        if namePatterns.contains(where: { fnmatch($0, name, 0) == 0 }) { return true }
        guard !pathPatterns.isEmpty else { return false }
        let path = path()
        return pathPatterns.contains { fnmatch($0, path, FNM_PATHNAME) == 0 }
    }
}
