@_exported import LoupeTestSupport
import LoupeIndex

/// An index of `documents` (path under the corpus → text), built with one thread in a temporary
/// directory that lives as long as the returned value; nil when it cannot be built.
func makeSmallIndex(_ documents: [String: String]) -> (TemporaryDirectory, IndexReader)? {
    let dir = TemporaryDirectory()
    for (name, text) in documents { try? dir.write("docs/" + name, text) }
    guard (try? IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 1))) != nil,
          let reader = try? IndexReader(path: dir.path + "/index") else { return nil }
    return (dir, reader)
}
