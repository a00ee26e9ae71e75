#if canImport(Glibc)
import Glibc
#endif

/// Entries of a directory listing (`readdir`), for the index directory and the corpus walk.
package enum DirectoryEntry {
    /// The name in a directory entry, read in place up to its NUL: the kernel's records are only as
    /// long as their name, so copying the whole 256-byte `d_name` field would read past the last one.
    package static func name(_ entry: UnsafeMutablePointer<dirent>) -> String {
        withUnsafePointer(to: &entry.pointee.d_name) { field in
            field.withMemoryRebound(to: CChar.self, capacity: 1) { String(cString: $0) }
        }
    }
}
