import Foundation

/// A fresh temporary directory, removed when the value goes away.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init() {
        path = NSTemporaryDirectory() + "loupe-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func write(_ relative: String, _ text: String) throws {
        try write(relative, Array(text.utf8))
    }

    public func write(_ relative: String, _ bytes: [UInt8]) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }
}

/// A small deterministic random number generator for property tests (SplitMix64).
public struct SplitMix {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

extension Collection {
    /// `count` elements chosen at random (in random order).
    public func shuffledPrefix(_ count: Int, _ rng: inout SplitMix) -> [Element] {
        var copy = Array(self)
        var out: [Element] = []
        while out.count < count && !copy.isEmpty { out.append(copy.remove(at: rng.below(copy.count))) }
        return out
    }
}

/// The repository's top directory, found from the calling source file's path.
public func repositoryRoot(_ file: String = #filePath) -> String {
    var url = URL(fileURLWithPath: file)
    while url.pathComponents.count > 1 {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
    }
    return FileManager.default.currentDirectoryPath
}

/// The text, Markdown and HTML files under `directory`, sorted.
public func listFiles(_ directory: String) throws -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
    return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".txt") || $0.hasSuffix(".md") || $0.hasSuffix(".html") }
        .sorted().map { directory + "/" + $0 }
}
