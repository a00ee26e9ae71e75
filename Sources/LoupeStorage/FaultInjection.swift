import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Faults injected into the index files' writes for the soak test (`make soak`,
/// `scripts/soak.py`), named by the environment variable `LOUPE_INJECT_FAULTS`, which normal use
/// never sets (then every call goes straight to the system):
///
/// - `short`: each write call writes at most a quarter of what it is given (at least a byte), as
///   a signal or a full pipe can make it do; the writer must loop.
/// - `eio-after:N`: once the process has written N bytes of index files, writes fail with EIO.
/// - `enospc-after:N`: the same with ENOSPC (a full disk).
/// - `fsync-eio`: every fsync of an index file fails with EIO.
///
/// Several are joined by commas.
enum FaultInjection {
    struct Plan: Sendable {
        var short = false
        var failAfter: Int?
        var failWith: Int32 = EIO
        var fsyncFails = false
    }

    static let plan: Plan? = {
        guard let raw = getenv("LOUPE_INJECT_FAULTS").map({ String(cString: $0) }), !raw.isEmpty else { return nil }
        var plan = Plan()
        for item in raw.split(separator: ",") {
            let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
            switch parts[0] {
            case "short": plan.short = true
            case "eio-after": plan.failAfter = parts.count > 1 ? Int(parts[1]) : 0; plan.failWith = EIO
            case "enospc-after": plan.failAfter = parts.count > 1 ? Int(parts[1]) : 0; plan.failWith = ENOSPC
            case "fsync-eio": plan.fsyncFails = true
            default: break
            }
        }
        return plan
    }()

    static let written = Atomic<Int>(0)

    /// `write(2)`, or the fault the plan calls for.
    static func write(_ fd: Int32, _ base: UnsafeRawPointer, _ count: Int) -> Int {
        guard let plan else { return Glibc.write(fd, base, count) }
        var count = count
        if let limit = plan.failAfter {
            let before = written.load(ordering: .relaxed)
            if before >= limit {
                errno = plan.failWith
                return -1
            }
            count = min(count, limit - before)
        }
        if plan.short { count = max(1, count / 4) }
        let n = Glibc.write(fd, base, count)
        if n > 0 { written.add(n, ordering: .relaxed) }
        return n
    }

    /// `fsync(2)`, or EIO when the plan says so.
    static func fsync(_ fd: Int32) -> Int32 {
        if let plan, plan.fsyncFails {
            errno = EIO
            return -1
        }
        return Glibc.fsync(fd)
    }
}
