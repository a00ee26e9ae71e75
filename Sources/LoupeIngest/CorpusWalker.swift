import CSupport
import Dispatch
@_spi(Internals) import LoupeFormat
import LoupeStorage
#if canImport(Glibc)
import Glibc
#endif

/// Lists the files to index under a directory, recursively and in a stable (byte-wise path)
/// order. Hidden files and directories (name starting with `.`) are skipped, as are files whose
/// extension no extractor claims (`ExtractorRegistry`), and anything matching a pattern of the root's
/// `.loupeignore` (one glob a line, `#` comments; a pattern with no `/` matches a file or
/// directory name anywhere, one with `/` the path from the root). Symbolic links are not followed.
public enum CorpusWalker {
    /// True when an extractor of the standard registry reads files of this name's extension.
    public static func isIndexable(_ name: String) -> Bool {
        ExtractorRegistry.standard.isIndexable(name)
    }

    /// The files to index under `root`, plus the unreadable directories met on the way. With
    /// `statFiles` false, entries the directory lists as regular files are not stat'ed (their size
    /// and time are left 0): on some file systems the stat costs more than the rest of the walk.
    public static func walk(_ root: String, statFiles: Bool = true, registry: ExtractorRegistry = .standard) throws -> (files: [CorpusFile], skipped: [SkippedFile]) {
        var files: [CorpusFile] = []
        let skipped = try walk(root, statFiles: statFiles, registry: registry) { files.append($0) }
        return (files, skipped)
    }

    /// The walk of `root` with every file stat'ed, the stats spread over `threads` threads: a walk
    /// that only needs sizes and times (`CorpusChanges`) is bound by the stats. Each file is
    /// stat'ed relative to its open directory; a file that vanished meanwhile is left out.
    public static func walkStatted(_ root: String, threads: Int, registry: ExtractorRegistry = .standard) throws -> (files: [CorpusFile], skipped: [SkippedFile]) {
        let directories = DirectoryHandles()
        var files: [CorpusFile] = []
        let skipped = try walk(root, statFiles: false, directories: directories, registry: registry) { files.append($0) }
        let count = files.count, slices = max(1, min(threads, count / 256 + 1))
        // Each thread fills its own range of `stats` (no two write the same element).
        let stats = UnsafeMutableBufferPointer<(size: Int, modified: Int64)?>.allocate(capacity: max(1, count))
        defer { stats.deallocate() }
        let shared = SharedSlots(files: files, stats: stats, directories: directories)
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            for i in (count * slice / slices)..<(count * (slice + 1) / slices) {
                shared.stats[i] = statOf(shared.files[i], in: shared.directories)
            }
        }
        var statted: [CorpusFile] = []
        statted.reserveCapacity(count)
        for i in 0..<count {
            // A file that vanished meanwhile, or is no longer a regular file, is left out.
            guard let (size, modified) = stats[i] else { continue }
            var file = files[i]
            file.size = size
            file.modified = modified
            statted.append(file)
        }
        return (statted, skipped)
    }

    /// What the stat threads of `walkStatted` share: the files (read only) and their own slots.
    private struct SharedSlots: @unchecked Sendable {
        let files: [CorpusFile]
        let stats: UnsafeMutableBufferPointer<(size: Int, modified: Int64)?>
        let directories: DirectoryHandles
    }

    /// A walked file's size and modification time (nil when it is gone or not a regular file).
    private static func statOf(_ file: CorpusFile, in directories: DirectoryHandles) -> (size: Int, modified: Int64)? {
        var st = Glibc.stat()
        let ok = directories.descriptor(file.directory).map { directory in
            withName(of: file) { fstatat(directory, $0, &st, AT_SYMLINK_NOFOLLOW) == 0 }
        } ?? (FileName.withPath(file.absolutePath) { lstat($0, &st) } == 0)
        guard ok, st.st_mode & S_IFMT == S_IFREG else { return nil }
        return (Int(st.st_size), Int64(st.st_mtim.tv_sec))
    }

    /// Throws the error a walk of `root` would start with: no such directory, or not a directory.
    public static func checkRoot(_ root: String) throws {
        var info = stat()
        guard stat(root, &info) == 0 else {
            throw IndexError.corpusNotFound(path: root)
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw IndexError.notADirectory(path: root)
        }
    }

    /// Calls `found` with each file to index under `root` as the walk finds it, in byte-wise order
    /// of the relative paths: each directory's entries are sorted (a directory's name with a `/`
    /// after it, as it shows in its files' paths) and subdirectories are walked in their place.
    /// Returns the unreadable directories. Directories kept in `directories` (while it has room)
    /// stay open for reading their files relative to them. `listing` is called before each
    /// directory is read (which takes a while for a large one: its entries are all read and
    /// sorted before the first is found).
    package static func walk(_ root: String, statFiles: Bool = true, directories: DirectoryHandles? = nil, registry: ExtractorRegistry = .standard,
                     listing: () -> Void = {}, found: (CorpusFile) -> Void) throws -> [SkippedFile] {
        try checkRoot(root)
        var skipped: [SkippedFile] = []
        let base = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        let ignore = (try? read(base + "/.loupeignore")).map { IgnoreRules(String(decoding: $0, as: UTF8.self)) } ?? IgnoreRules("")
        struct Entry {
            var name: String
            var isDirectory: Bool
            var size = 0
            var modified: Int64 = 0
        }
        func visit(_ relativeDir: String) {
            let absoluteDir = relativeDir.isEmpty ? base : base + "/" + relativeDir
            listing()
            guard let dir = FileName.withPath(absoluteDir, { opendir($0) }) else {
                skipped.append(SkippedFile(path: relativeDir.isEmpty ? "." : relativeDir, reason: "cannot read directory: \(String(cString: strerror(errno)))"))
                return
            }
            let dirFD = dirfd(dir)
            var entries: [Entry] = []
            while let entry = readdir(dir) {
                let name = DirectoryEntry.name(entry)
                if name.hasPrefix(".") { continue }
                if ignore.matches(name: name, path: relativeDir.isEmpty ? name : relativeDir + "/" + name) { continue }
                // The entry type usually comes with readdir: no stat for directories, and files are
                // stat'ed relative to their open directory (no path lookup from the root).
                let type = entry.pointee.d_type
                if type == UInt8(DT_DIR) { entries.append(Entry(name: name, isDirectory: true)); continue }
                if type != UInt8(DT_REG) && type != UInt8(DT_UNKNOWN) { continue }
                if type == UInt8(DT_REG) && !registry.isIndexable(name) { continue }
                if type == UInt8(DT_REG) && !statFiles {
                    entries.append(Entry(name: name, isDirectory: false))
                    continue
                }
                var st = stat()
                guard FileName.withPath(name, { fstatat(dirFD, $0, &st, AT_SYMLINK_NOFOLLOW) }) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR:
                    entries.append(Entry(name: name, isDirectory: true))
                case S_IFREG where registry.isIndexable(name):
                    entries.append(Entry(name: name, isDirectory: false, size: Int(st.st_size), modified: Int64(st.st_mtim.tv_sec)))
                default:
                    continue
                }
            }
            // Only a directory with files to read is worth a handle.
            let kept = entries.contains { !$0.isDirectory } ? directories?.keep(dir) ?? -1 : -1
            if kept < 0 { closedir(dir) }
            for i in pathOrder(entries.map { ($0.name, $0.isDirectory) }) {
                let entry = entries[i]
                let relative = relativeDir.isEmpty ? entry.name : relativeDir + "/" + entry.name
                if entry.isDirectory {
                    visit(relative)
                } else {
                    var file = CorpusFile(relativePath: relative, absolutePath: base + "/" + relative, size: entry.size, modified: entry.modified)
                    file.directory = kept
                    found(file)
                }
            }
        }
        visit("")
        return skipped
    }

    /// The order of a directory's entries in which their paths sort byte-wise: names compared
    /// with memcmp, a directory's with a `/` after it (so `a.txt` < `a/b.txt` < `a0.txt`).
    package static func pathOrder(_ entries: [(name: String, isDirectory: Bool)]) -> [Int] {
        var bytes: [UInt8] = []
        var bounds: [(start: Int, count: Int)] = []
        bounds.reserveCapacity(entries.count)
        for entry in entries {
            let start = bytes.count
            bytes.append(contentsOf: entry.name.utf8)
            if entry.isDirectory { bytes.append(0x2F) }
            bounds.append((start, bytes.count - start))
        }
        var order = Array(entries.indices)
        bytes.withUnsafeBytes { buffer in
            bounds.withUnsafeBufferPointer { bounds in
                order.sort { a, b in
                    let x = bounds[a], y = bounds[b]
                    return compareBytes(UnsafeRawBufferPointer(rebasing: buffer[x.start..<(x.start + x.count)]),
                                        UnsafeRawBufferPointer(rebasing: buffer[y.start..<(y.start + y.count)])) < 0
                }
            }
        }
        return order
    }

    /// A file read whole, with its modification time; `bytes` is nil when it was over the limit.
    public struct OpenedFile {
        public var bytes: [UInt8]?
        public var size: Int
        public var modified: Int64
        /// Some of the bytes were not in the page cache.
        public var missedCache = false
    }

    /// Reads a whole file (its size and time from the open file, so the walk need not stat it);
    /// a file larger than `sizeLimit` is not read. A file that grows meanwhile is read to its end,
    /// unless its first read found all of its stat'ed size in the page cache (see `readAll`).
    public static func read(_ path: String, sizeLimit: Int) throws -> OpenedFile {
        try read(FileName.withPath(path) { open($0, O_RDONLY | O_CLOEXEC) }, path: path, sizeLimit: sizeLimit)
    }

    /// Reads a file the walk found: from its prefetched descriptor when it has one, else
    /// relative to its directory when the walk kept that open.
    package static func read(_ file: CorpusFile, in directories: DirectoryHandles, sizeLimit: Int) throws -> OpenedFile {
        let fd = file.descriptor >= 0 ? file.descriptor : openFile(file, in: directories)
        return try read(fd, path: file.absolutePath, sizeLimit: sizeLimit)
    }

    /// Opens a file the walk found (an open's result: -1 with `errno` on failure).
    private static func openFile(_ file: CorpusFile, in directories: DirectoryHandles) -> Int32 {
        directories.descriptor(file.directory).map { directory in
            withName(of: file) { openat(directory, $0, O_RDONLY | O_CLOEXEC) }
        } ?? FileName.withPath(file.absolutePath) { open($0, O_RDONLY | O_CLOEXEC) }
    }

    /// Calls `body` with the file's name in its directory: what follows the last `/` of its
    /// relative path.
    private static func withName<R>(of file: CorpusFile, _ body: (UnsafePointer<CChar>) -> R) -> R {
        FileName.withPath(file.relativePath) { path in
            var name = path
            var p = path
            while p.pointee != 0 {
                if p.pointee == 0x2F { name = p + 1 }
                p += 1
            }
            return body(name)
        }
    }

    /// Opens a file the walk found and asks the kernel to start reading its first MiB (the rest
    /// of a longer file comes with the usual read-ahead). -1 when it cannot be opened: the reader
    /// then opens it again, and reports the error.
    package static func openForPrefetch(_ file: CorpusFile, in directories: DirectoryHandles) -> Int32 {
        let fd = openFile(file, in: directories)
        if fd >= 0 { _ = posix_fadvise(fd, 0, 1 << 20, POSIX_FADV_WILLNEED) }
        return fd
    }

    /// Reads the file open as `fd` (the result of an open: an error when negative), and closes it.
    private static func read(_ fd: Int32, path: String, sizeLimit: Int) throws -> OpenedFile {
        guard fd >= 0 else { throw IndexError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw IndexError.io(path: path, operation: "stat", errno: errno) }
        let size = Int(st.st_size)
        let modified = Int64(st.st_mtim.tv_sec)
        guard size <= sizeLimit else { return OpenedFile(bytes: nil, size: size, modified: modified) }
        let (bytes, missed) = try readAll(fd, path: path, expected: size)
        return OpenedFile(bytes: bytes, size: size, modified: modified, missedCache: missed)
    }

    /// Reads a whole file.
    public static func read(_ path: String) throws -> [UInt8] {
        try read(path, sizeLimit: .max).bytes ?? []
    }

    /// Reads to the end of the file. The buffer has room for one byte more than `expected`, so a
    /// read that returns fewer bytes than asked has met the end (a regular file gives short reads
    /// only there) and no second read is needed to see it; a file that grew is read on.
    ///
    /// The first read takes only what the page cache holds (`csupport_read_if_cached`), whose short
    /// reads do not mean the end: `missed` tells whether the file had to come from the disk (then
    /// read as usual), which starts the build's prefetch. When it returns all `expected` bytes,
    /// that is taken as the whole file, without a read to look for growth.
    private static func readAll(_ fd: Int32, path: String, expected: Int) throws -> (bytes: [UInt8], missed: Bool) {
        var bytes: [UInt8] = []
        var capacity = expected + 1
        var missed = false
        var first = true
        while true {
            var failure: Int32 = 0
            var atEnd = false
            let old = bytes
            bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                guard let base = buffer.baseAddress else { return }
                count = old.count
                old.withUnsafeBufferPointer { if let source = $0.baseAddress { base.update(from: source, count: $0.count) } }
                if first {
                    first = false
                    let n = csupport_read_if_cached(fd, base, capacity)
                    if n == expected && expected > 0 {
                        count = n
                        atEnd = true
                        return
                    }
                    if n >= 0 { count = n }
                    if n == -1 || (n >= 0 && n < expected) { missed = true }
                }
                while count < capacity {
                    let n = Glibc.read(fd, base + count, capacity - count)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        return
                    }
                    if n == 0 { atEnd = true; return }
                    count += n
                    if count < capacity { atEnd = true; return }
                }
            }
            if failure != 0 { throw IndexError.io(path: path, operation: "read", errno: failure) }
            if atEnd { return (bytes, missed) }
            capacity = max(capacity * 2, capacity + 4096)
        }
    }
}
