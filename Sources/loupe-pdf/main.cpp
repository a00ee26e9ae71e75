// loupe-pdf: the text of a PDF through poppler, for Loupe's PDF extractor.
//
// Loupe runs this small program once per PDF (PDFExtractor in LoupeIngest) rather than linking
// poppler into `loupe`: a hostile or damaged file can then neither hang nor exhaust the indexing
// run (this process has CPU-time and address-space limits, and the parent kills it past a wall
// clock deadline), and `loupe`'s start-up does not pay for loading poppler and its libraries.
//
// Usage: loupe-pdf [--max-pages N] [--max-output-bytes N] [--cpu-seconds N] [--memory-mb N] < file.pdf
//
// Output (stdout), on success (exit 0):
//   "loupe-pdf 1\n"
//   "pages <pages in the file>\n"
//   "title <the Info dictionary's Title, line breaks as spaces; may be empty>\n"
//   "cut <why the text stops early>\n"      (only when a limit cut it)
//   "\n"
//   then each extracted page's text in reading order (UTF-8), pages separated by a form feed (0x0C).
// Failures: exit 10 (encrypted), 11 (not a PDF, or damaged), 12 (bad usage or I/O); stderr says why.

#include "LoupeHelperSupport.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace loupe_helper;

void quiet(const std::string &, void *) {}

/// A page's or title's text as UTF-8, with form feeds (page ends) and NULs made line breaks.
std::string utf8(const poppler::ustring &text) {
    poppler::byte_array bytes = text.to_utf8();
    std::string out(bytes.begin(), bytes.end());
    for (char &c : out) {
        if (c == '\f' || c == '\0') c = '\n';
    }
    return out;
}

/// The document information's strings come from poppler-cpp as if they were Latin-1 when they
/// are not UTF-16; they are in PDFDocEncoding, whose 0x80–0x9E are punctuation and letters (an
/// em dash, curly quotes, œ), not the C1 control characters Latin-1 puts there.
poppler::ustring fromPDFDocEncoding(const poppler::ustring &text) {
    static const unsigned short table[31] = {
        0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203A, 0x2212,
        0x2030, 0x201E, 0x201C, 0x201D, 0x2018, 0x2019, 0x201A, 0x2122, 0xFB01, 0xFB02, 0x0141,
        0x0152, 0x0160, 0x0178, 0x017D, 0x0131, 0x0142, 0x0153, 0x0161, 0x017E};
    poppler::ustring out = text;
    for (auto &c : out) {
        if (c >= 0x80 && c <= 0x9E) c = table[c - 0x80];
    }
    return out;
}

} // namespace

int main(int argc, char **argv) {
    long maxPages = 10000, maxOutput = 256L << 20, cpuSeconds = 60, memoryMB = 2048;
    for (int i = 1; i < argc; i++) {
        long *target = nullptr;
        if (std::strcmp(argv[i], "--max-pages") == 0) target = &maxPages;
        else if (std::strcmp(argv[i], "--max-output-bytes") == 0) target = &maxOutput;
        else if (std::strcmp(argv[i], "--cpu-seconds") == 0) target = &cpuSeconds;
        else if (std::strcmp(argv[i], "--memory-mb") == 0) target = &memoryMB;
        if (target == nullptr || i + 1 >= argc || !loupe_helper::parseCount(argv[i + 1], *target)) {
            std::fprintf(stderr, "loupe-pdf: bad argument '%s'\n", argv[i]);
            return usage;
        }
        i++;
    }
    // Past the soft CPU limit the kernel sends SIGXCPU (which ends the process), past the hard
    // one SIGKILL; allocations past the address-space limit fail (poppler then reports an error
    // or the process aborts): either way the parent sees a failure, never a hang.
    loupe_helper::limitResources(cpuSeconds, memoryMB);
    poppler::set_debug_error_function(quiet, nullptr);

    std::vector<char> input;
    if (!loupe_helper::readInput(input)) {
        std::fprintf(stderr, "loupe-pdf: cannot read the input: %s\n", std::strerror(errno));
        return usage;
    }
    if (input.size() < 5 || std::memcmp(input.data(), "%PDF-", 5) != 0) {
        std::fprintf(stderr, "not a PDF (no %%PDF- header)\n");
        return damaged;
    }
    int status = ok;
    std::unique_ptr<poppler::document> doc = openPDF(input, stderr, status);
    if (!doc) return status;
    int pages = doc->pages();
    std::string title = utf8(fromPDFDocEncoding(doc->info_key("Title")));
    for (char &c : title) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    std::string body;
    std::string cut;
    long extract = pages < maxPages ? pages : maxPages;
    for (long i = 0; i < extract; i++) {
        std::unique_ptr<poppler::page> page(doc->create_page(static_cast<int>(i)));
        std::string text = page ? utf8(page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout)) : std::string();
        if (i > 0) body.push_back('\f');
        if (body.size() + text.size() > static_cast<size_t>(maxOutput)) {
            cut = "text over " + std::to_string(maxOutput) + " bytes after page " + std::to_string(i);
            if (i > 0) body.pop_back();
            break;
        }
        body += text;
    }
    if (cut.empty() && extract < pages) {
        cut = "only the first " + std::to_string(extract) + " of " + std::to_string(pages) + " pages";
    }
    std::string header = "loupe-pdf 1\npages " + std::to_string(pages) + "\ntitle " + title + "\n";
    if (!cut.empty()) header += "cut " + cut + "\n";
    header += "\n";
    if (!loupe_helper::writeAll(STDOUT_FILENO, header.data(), header.size()) || !loupe_helper::writeAll(STDOUT_FILENO, body.data(), body.size())) {
        std::fprintf(stderr, "loupe-pdf: cannot write the output: %s\n", std::strerror(errno));
        return usage;
    }
    return ok;
}
