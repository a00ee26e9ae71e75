import LoupeFormat
import LoupeStorage
#if canImport(Glibc)
import Glibc
#endif

/// Directories a walk keeps open, so that their files are opened relative to them: the kernel
/// then looks up one name, not every component of the path from the root. At most `capacity`
/// (a quarter of the process's file limit, at most 1024) are kept; files of the others are
/// opened by path. The walk adds a directory before it hands out any file in it, and whoever
/// receives that file through a lock reads its slot after; the slots never change after that.
package final class DirectoryHandles: @unchecked Sendable {
    package let capacity: Int
    private let handles: UnsafeMutablePointer<OpaquePointer?>
    private var count = 0

    /// The process's limit on open descriptors (256 when it cannot be read).
    package static var descriptorLimit: Int {
        var limit = rlimit()
        return getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 ? Int(clamping: limit.rlim_cur) : 256
    }

    package init(capacity: Int? = nil) {
        self.capacity = capacity ?? max(0, min(1024, Self.descriptorLimit / 4))
        handles = .allocate(capacity: max(1, self.capacity))
        handles.initialize(repeating: nil, count: max(1, self.capacity))
    }

    /// Keeps `dir` open; returns its number, or -1 when full (the caller closes it).
    package func keep(_ dir: OpaquePointer) -> Int32 {
        guard count < capacity else { return -1 }
        handles[count] = dir
        count += 1
        return Int32(count - 1)
    }

    /// The descriptor of directory `number`, or nil for -1.
    package func descriptor(_ number: Int32) -> Int32? {
        guard number >= 0, Int(number) < capacity, let dir = handles[Int(number)] else { return nil }
        return dirfd(dir)
    }

    deinit {
        for i in 0..<count { if let dir = handles[i] { closedir(dir) } }
        handles.deallocate()
    }
}
