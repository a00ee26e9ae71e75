#if canImport(Glibc)
import Glibc
#endif

/// Entries of a directory listing (`readdir`), for the index directory and the corpus walk.
package enum DirectoryEntry {
    /// The name in a directory entry, read in place up to its NUL: the kernel's records are only as
    /// long as their name, so copying the whole 256-byte `d_name` field would read past the last one.
    /// A name that is not UTF-8 keeps its bytes (`FileName`).
    package static func name(_ entry: UnsafeMutablePointer<dirent>) -> String {
        withUnsafePointer(to: &entry.pointee.d_name) { field in
            field.withMemoryRebound(to: UInt8.self, capacity: 1) { start in
                FileName.decode(UnsafeBufferPointer(start: start, count: strlen(UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self))))
            }
        }
    }
}
