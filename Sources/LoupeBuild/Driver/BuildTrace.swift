import LoupeAnalysis
import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage
#if canImport(Glibc)
import Glibc
#endif

/// Phase timings of a build on standard error, when the environment sets `LOUPE_TRACE`
/// (for profiling: `LOUPE_TRACE=1 loupe index …`).
enum BuildTrace {
    static let enabled = getenv("LOUPE_TRACE") != nil

    /// Writes `phase` and the milliseconds since `start` (a `monotonicSeconds()` reading).
    static func mark(_ phase: String, since start: Double) {
        guard enabled else { return }
        let line = "loupe-trace: \(phase) at \(Int((monotonicSeconds() - start) * 1000)) ms\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }
}
