import LoupeFormat
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on an index directory for writing.
public final class WriteLock: @unchecked Sendable {
    private var fd: Int32
    init(fd: Int32) { self.fd = fd }
    public func release() {
        if fd >= 0 {
            flock(fd, LOCK_UN)
            close(fd)
            fd = -1
        }
    }
    deinit { release() }
}
