#ifndef CSUPPORT_H
#define CSUPPORT_H
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

/// CRC32C (Castagnoli) of bytes, continuing from crc (0 to start). Uses the SSE4.2 crc32
/// instruction when the CPU has it, a table otherwise; both give the same value.
uint32_t csupport_crc32c(uint32_t crc, const void *bytes, size_t length);

/// A hint to fetch the cache line holding `address` (no fault if it is not mapped).
static inline void csupport_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// Tells glibc's malloc to keep freed memory for reuse (see `Allocator.keepFreedMemory`); does
/// nothing on other C libraries.
void csupport_keep_freed_memory(void);

/// Reads up to `length` bytes at the file's position only as far as they are in the page cache
/// (`preadv2` with `RWF_NOWAIT`): the count read (possibly short), -1 when the first bytes are not
/// cached, -2 when the kernel or file system cannot tell (or another error): read normally then.
ssize_t csupport_read_if_cached(int fd, void *buffer, size_t length);

/// Starts writing back to disk the file's dirty pages in [offset, offset + length) (length 0: to
/// the end) without waiting (`sync_file_range` with `SYNC_FILE_RANGE_WRITE`), so that a later
/// fsync has less to wait for. Does nothing where the call is missing; it is only a hint.
void csupport_start_writeback(int fd, int64_t offset, int64_t length);

/// An anonymous in-memory file (`memfd_create`, close-on-exec): a child's standard input or
/// output with no pipe to keep drained. -1 (and errno) on failure.
int csupport_memfd(const char *name);

/// Runs the program at `path` with `argv` (NULL-terminated) and no environment change, its
/// standard input, output and error being `in_fd`, `out_fd` and `err_fd`; waits for it at most
/// `timeout_ms` milliseconds, then kills it (SIGKILL) and reaps it. Returns 0 with the wait
/// status in `*status` and whether it was killed for time in `*timed_out`, or an errno value when
/// it could not be started or waited for.
int csupport_run(const char *path, char *const argv[], int in_fd, int out_fd, int err_fd, int timeout_ms,
                 int *status, int *timed_out);

#endif
