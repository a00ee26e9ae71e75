import LoupeFormat
#if canImport(Glibc)
import Glibc
#endif

/// The only code that touches an index directory's files: create, list, rename, fsync, delete,
/// lock. Commits follow the protocol in docs/FORMAT.md: segment files are written and fsynced,
/// then `manifest.tmp` is written and fsynced, renamed over `manifest`, and the directory fsynced;
/// only then are files of older generations deleted.
public struct IndexDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    public func file(_ name: String) -> String { path + "/" + name }

    public var exists: Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    public var hasManifest: Bool { access(file(Manifest.fileName), F_OK) == 0 }

    /// Creates the directory (and missing parents).
    public func create() throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw IndexError.io(path: prefix, operation: "create directory", errno: errno)
            }
        }
        guard exists else { throw IndexError.notADirectory(path: path) }
    }

    public func list() throws -> [String] {
        guard let dir = opendir(path) else { throw IndexError.io(path: path, operation: "list", errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = DirectoryEntry.name(entry)
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public func remove(_ name: String) {
        unlink(file(name))
    }

    public func fsyncDirectory() throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw IndexError.io(path: path, operation: "open directory", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw IndexError.io(path: path, operation: "fsync directory", errno: errno) }
    }

    /// Reads and verifies the current manifest.
    public func readManifest() throws -> Manifest {
        guard hasManifest else { throw IndexError.notFound(directory: path) }
        let mapped = try MappedFile(path: file(Manifest.fileName), kind: .manifest)
        return try mapped.body.withUnsafeBytes { try Manifest.decode($0, file: Manifest.fileName) }
    }

    /// Atomically replaces the manifest: write `manifest.tmp`, fsync, rename, fsync the directory.
    public func commit(_ manifest: Manifest) throws {
        let temporary = Manifest.fileName + ".tmp"
        remove(temporary)
        let writer = try IndexFileWriter(path: file(temporary), kind: .manifest)
        try writer.write(manifest.encode())
        try writer.finish()
        // Make the new segment files' directory entries durable before the manifest names them.
        try fsyncDirectory()
        guard rename(file(temporary), file(Manifest.fileName)) == 0 else {
            throw IndexError.io(path: file(Manifest.fileName), operation: "rename", errno: errno)
        }
        try fsyncDirectory()
    }

    /// Deletes segment and deletions files that the manifest does not name (older generations,
    /// interrupted writes). Only names of Loupe's own pattern are ever deleted.
    public func deleteUnreferenced(keeping manifest: Manifest) throws {
        let live = Set(manifest.segments.flatMap(\.fileNames))
        for name in try list() {
            if name == Manifest.fileName + ".tmp" { remove(name); continue }
            if Self.generation(ofFile: name) != nil && !live.contains(name) { remove(name) }
        }
    }

    /// The generation of a segment file name `s<generation>_<worker>_<seq>.<ext>`, or of a
    /// deletions file `s<g>_<worker>_<seq>_<generation>.del`; nil for any other name.
    public static func generation(ofFile name: String) -> UInt64? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].hasPrefix("s") else { return nil }
        let isDeletions = parts[1] == IndexFile.Kind.deletions.fileExtension
        guard isDeletions || IndexFile.Kind.segmentKinds.contains(where: { $0.fileExtension == parts[1] }) else { return nil }
        let numbers = parts[0].dropFirst().split(separator: "_", omittingEmptySubsequences: false)
        guard numbers.count == (isDeletions ? 4 : 3),
              numbers.allSatisfy({ !$0.isEmpty && $0.count <= 19 && $0.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) }) else { return nil }
        return UInt64(numbers[numbers.count - (isDeletions ? 1 : 3)])
    }

    /// True for the names Loupe writes in an index directory (plus its README).
    public static func isIndexFileName(_ name: String) -> Bool {
        name == Manifest.fileName || name == Manifest.fileName + ".tmp" || name == lockName || name == "README.md" || name == ocrCacheName
            || generation(ofFile: name) != nil
    }

    /// The directory where OCR keeps what it recognised, by content (`loupe index --ocr`).
    public static let ocrCacheName = "ocr-cache"

    static let lockName = "write.lock"

    /// Takes the exclusive write lock (released when the returned lock is released or the process
    /// ends: the kernel drops an `flock` with its holder). The lock file then says who holds it
    /// (`pid N: command`), which a refused writer reports.
    public func lock() throws -> WriteLock {
        let path = file(Self.lockName)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IndexError.io(path: path, operation: "open", errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.readHolder(fd)
            close(fd)
            throw IndexError.locked(directory: self.path, holder: holder)
        }
        let command = CommandLine.arguments.prefix(2).map { $0.split(separator: "/").last.map(String.init) ?? $0 }.joined(separator: " ")
        let line = Array("pid \(getpid()): \(command)\n".utf8)
        // Best effort: the lock holds whether or not its holder could be written.
        if ftruncate(fd, 0) == 0 { _ = line.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } }
        return WriteLock(fd: fd)
    }

    /// The holder a lock file names (its first line), or nil when it names none.
    private static func readHolder(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let line = buffer[0..<n].prefix { $0 != 0x0A }
        let text = String(decoding: line, as: UTF8.self).filter { !$0.isASCII || ($0.asciiValue ?? 0) >= 0x20 }
        return text.isEmpty ? nil : text
    }
}
