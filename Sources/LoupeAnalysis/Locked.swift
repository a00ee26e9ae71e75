#if canImport(Glibc)
import Glibc
#endif

/// A value behind a lock, as `Synchronization.Mutex` keeps one, but over a `pthread_mutex_t`:
/// ThreadSanitizer knows pthread's locks and not the futex calls `Mutex` makes on Linux, so with
/// `Mutex` every access under a lock was reported as a race (`make test-tsan`). Uncontended, both
/// cost an atomic exchange in and out. The lowest layer holds it so that every layer can use it.
public final class Locked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value, the lock held.
    @inline(__always)
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
