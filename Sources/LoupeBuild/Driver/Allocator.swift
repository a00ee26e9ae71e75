import CSupport
import LoupeAnalysis
import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage

/// Process-wide allocator settings for short-lived processes that build an index.
public enum Allocator {
    /// Tells glibc's allocator to keep the memory a build frees for reuse. By default, blocks over
    /// 128 KiB (a large file's bytes, a grown table) are each mapped, faulted in page by page and
    /// unmapped when freed, and the heap's top is returned to the system: a build pays for that
    /// over and over. For a command that exits after the build, holding on to freed memory costs
    /// nothing. Not for long-running processes.
    public static func keepFreedMemory() { csupport_keep_freed_memory() }
}
