#if canImport(Glibc)
import Glibc
#endif

/// One file found under the corpus directory.
public struct CorpusFile: Sendable, Equatable {
    /// Path relative to the corpus root, with `/` separators.
    public var relativePath: String
    public var absolutePath: String
    public var size: Int
    /// Modification time, seconds since the epoch.
    public var modified: Int64
}

/// A file that was not indexed, and why (shown to the user as a warning).
public struct SkippedFile: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Lists the files to index under a directory, recursively and in a stable (byte-wise path)
/// order. Hidden files and directories (name starting with `.`) are skipped, as are files whose
/// extension is not a known text format, and anything matching a pattern of the root's
/// `.loupeignore` (one glob a line, `#` comments; a pattern with no `/` matches a file or
/// directory name anywhere, one with `/` the path from the root). Symbolic links are not followed.
public enum CorpusWalker {
    /// Extensions read as text (lower case, without the dot).
    public static let textExtensions: Set<String> = ["txt", "text", "md", "markdown", "rst", "org", "csv", "tsv", "log"]
    /// Extensions read as HTML.
    public static let htmlExtensions: Set<String> = ["html", "htm", "xhtml"]

    public static func isIndexable(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        let ext = name[name.index(after: dot)...].lowercased()
        return textExtensions.contains(ext) || htmlExtensions.contains(ext)
    }

    /// The files to index under `root`, plus the unreadable directories met on the way.
    public static func walk(_ root: String) throws -> (files: [CorpusFile], skipped: [SkippedFile]) {
        var info = stat()
        guard stat(root, &info) == 0 else {
            throw IndexError.invalidInput("corpus directory not found: \(root)")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw IndexError.invalidInput("not a directory: \(root)")
        }
        var files: [CorpusFile] = []
        var skipped: [SkippedFile] = []
        var pending: [String] = [""]
        let base = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        let ignore = (try? read(base + "/.loupeignore")).map { IgnoreRules(String(decoding: $0, as: UTF8.self)) } ?? IgnoreRules("")
        while let relativeDir = pending.popLast() {
            let absoluteDir = relativeDir.isEmpty ? base : base + "/" + relativeDir
            guard let dir = opendir(absoluteDir) else {
                skipped.append(SkippedFile(path: relativeDir.isEmpty ? "." : relativeDir, reason: "cannot read directory: \(String(cString: strerror(errno)))"))
                continue
            }
            defer { closedir(dir) }
            let dirFD = dirfd(dir)
            while let entry = readdir(dir) {
                let name = Self.entryName(entry)
                if name.hasPrefix(".") { continue }
                let relative = relativeDir.isEmpty ? name : relativeDir + "/" + name
                if ignore.matches(name: name, path: relative) { continue }
                let absolute = base + "/" + relative
                // The entry type usually comes with readdir: no stat for directories, and files are
                // stat'ed relative to their open directory (no path lookup from the root).
                let type = entry.pointee.d_type
                if type == UInt8(DT_DIR) { pending.append(relative); continue }
                if type != UInt8(DT_REG) && type != UInt8(DT_UNKNOWN) { continue }
                if type == UInt8(DT_REG) && !isIndexable(name) { continue }
                var st = stat()
                guard fstatat(dirFD, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR:
                    pending.append(relative)
                case S_IFREG:
                    if isIndexable(name) {
                        files.append(CorpusFile(relativePath: relative, absolutePath: absolute, size: Int(st.st_size), modified: Int64(st.st_mtim.tv_sec)))
                    }
                default:
                    continue
                }
            }
        }
        let keys = files.map { Array($0.relativePath.utf8) }
        files = keys.indices.sorted { keys[$0].lexicographicallyPrecedes(keys[$1]) }.map { files[$0] }
        return (files, skipped)
    }

    /// The name in a directory entry, read in place up to its NUL: the kernel's records are only as
    /// long as their name, so copying the whole 256-byte `d_name` field would read past the last one.
    static func entryName(_ entry: UnsafeMutablePointer<dirent>) -> String {
        withUnsafePointer(to: &entry.pointee.d_name) { field in
            field.withMemoryRebound(to: CChar.self, capacity: 1) { String(cString: $0) }
        }
    }

    /// Reads a whole file. With `expectedSize` (from the walk) no stat is needed; a file that grew
    /// since is still read to its end.
    public static func read(_ path: String, expectedSize: Int? = nil) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IndexError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var size = expectedSize ?? 0
        if expectedSize == nil {
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw IndexError.io(path: path, operation: "stat", errno: errno) }
            size = Int(st.st_size)
        }
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var done = 0
        while true {
            if done == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count))) }
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IndexError.io(path: path, operation: "read", errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        bytes.removeLast(bytes.count - done)
        return bytes
    }
}

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

    func matches(name: String, path: String) -> Bool {
        namePatterns.contains { fnmatch($0, name, 0) == 0 } || pathPatterns.contains { fnmatch($0, path, FNM_PATHNAME) == 0 }
    }
}
