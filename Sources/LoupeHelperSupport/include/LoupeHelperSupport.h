// What Loupe's helper programs (loupe-pdf, loupe-ocr) share: argument parsing, their own resource
// limits, and reading stdin and writing stdout whole.
#pragma once

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LOUPE_SANITIZED 1
#endif
#endif
#ifndef LOUPE_SANITIZED
#define LOUPE_SANITIZED 0
#endif

#ifdef __cplusplus
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace poppler {
class document;
}

namespace loupe_helper {

/// The helpers' exit statuses (their parsers in LoupeIngest read them).
enum Exit { ok = 0, encrypted = 10, damaged = 11, usage = 12, unavailable = 13 };

/// The PDF in `input`, opened by poppler; nil when it is damaged (`status` damaged) or locked by a
/// password (`status` encrypted), the reason written to `errors`.
std::unique_ptr<poppler::document> openPDF(const std::vector<char> &input, std::FILE *errors, int &status);

/// A non-negative decimal count, all of `text`.
bool parseCount(const char *text, long &out);

/// Limits the process: `cpuSeconds` of CPU (SIGXCPU past it, SIGKILL a second later), `memoryMB`
/// of address space (not under a sanitizer, whose shadow memory needs terabytes of it), no core
/// dumps. Past either, the parent sees a failure, never a hang.
void limitResources(long cpuSeconds, long memoryMB);

/// Reads standard input to its end into `out`; false (errno set) on a read error.
bool readInput(std::vector<char> &out);

/// Writes all of `data` to `fd`, across short writes and EINTR; false on an error.
bool writeAll(int fd, const char *data, size_t length);

} // namespace loupe_helper
#endif
