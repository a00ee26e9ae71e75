#include "LoupeHelperSupport.h"

#include <poppler-document.h>

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace loupe_helper {

std::unique_ptr<poppler::document> openPDF(const std::vector<char> &input, std::FILE *errors, int &status) {
    std::unique_ptr<poppler::document> doc(poppler::document::load_from_raw_data(input.data(), static_cast<int>(input.size())));
    if (!doc) {
        std::fprintf(errors, "damaged PDF (poppler cannot open it)\n");
        status = damaged;
        return nullptr;
    }
    if (doc->is_locked()) {
        std::fprintf(errors, "encrypted PDF (needs a password)\n");
        status = encrypted;
        return nullptr;
    }
    return doc;
}

bool parseCount(const char *text, long &out) {
    char *end = nullptr;
    errno = 0;
    long value = std::strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 0) return false;
    out = value;
    return true;
}

static void limit(int resource, rlim_t soft, rlim_t hard) {
    struct rlimit r;
    r.rlim_cur = soft;
    r.rlim_max = hard;
    setrlimit(resource, &r);
}

void limitResources(long cpuSeconds, long memoryMB) {
    limit(RLIMIT_CPU, static_cast<rlim_t>(cpuSeconds), static_cast<rlim_t>(cpuSeconds + 1));
#if !LOUPE_SANITIZED
    limit(RLIMIT_AS, static_cast<rlim_t>(memoryMB) << 20, static_cast<rlim_t>(memoryMB) << 20);
#else
    (void)memoryMB;
#endif
    limit(RLIMIT_CORE, 0, 0);
}

bool readInput(std::vector<char> &out) {
    char buffer[1 << 16];
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) return true;
        out.insert(out.end(), buffer, buffer + n);
    }
}

bool writeAll(int fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t n = write(fd, data, length);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        length -= static_cast<size_t>(n);
    }
    return true;
}

} // namespace loupe_helper
