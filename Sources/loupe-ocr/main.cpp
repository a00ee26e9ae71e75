// loupe-ocr: the text of a scan through Tesseract, for Loupe's OCR (`loupe index --ocr`).
//
// Loupe runs this small program once per scanned file (a PDF whose pages have no text layer, or a
// PNG, JPEG or TIFF image) rather than linking Tesseract into `loupe`, for the same reasons as
// loupe-pdf: a hostile or damaged file can neither hang nor exhaust the indexing run (this process
// has CPU-time and address-space limits, each page a recognition deadline, and the parent kills
// it past a wall clock deadline), and `loupe`'s start-up does not pay for loading Tesseract, its
// language models, leptonica and poppler.
//
// Usage: loupe-ocr --lang fra+spa+eng [--pages 1,4,7] [--dpi 300] [--page-seconds 60]
//                  [--max-pages 200] [--cpu-seconds N] [--memory-mb N] [--tessdata DIR] < file
//        loupe-ocr --check --lang fra+spa+eng [--tessdata DIR]
//
// The input's kind comes from its first bytes: a PDF (its pages rendered by poppler at --dpi),
// or a PNG, JPEG or TIFF image (each page of a multi-page TIFF). --pages (1-based) chooses the
// pages to recognise (Loupe knows which pages of a PDF have no text layer); without it, every
// page. At most --max-pages pages are recognised; the header then has a "cut" line.
// --check only loads the languages: exit 0 if Tesseract has them, else 13 and one line on stderr
// naming the missing language data and the Debian packages that hold it.
//
// Output (stdout), on success (exit 0); binary-safe (each text is preceded by its length):
//   "loupe-ocr 1\n"
//   "pages <pages in the file>\n"
//   "cut <why not every page is recognised>\n"      (only when --max-pages cut it)
//   "\n"
//   then in page order, for each chosen page, either
//   "page <n> <mean confidence 0-100> <length L>\n" L bytes of UTF-8 text, "\n"
//   or "skip <n> <why, on one line>\n"              (past the deadline, too large, damaged)
//   and finally "end\n".
// The text has no NULs, form feeds (both made line breaks) or other C0 controls than \n and \t,
// and no trailing white space; a page where nothing is recognised has L = 0.
// Failures: exit 10 (encrypted PDF), 11 (neither a PDF nor an image, or damaged), 12 (bad usage
// or I/O), 13 (Tesseract or its language data unavailable); stderr says why.
//
// Tesseract comes through its C API (capi.h), the interface its maintainers keep stable. Compiled
// as C++, capi.h includes Tesseract's C++ headers and names its C types after the C++ ones: the
// engine modes are then tesseract::OEM_…, not the C enumeration's bare names.

#include "LoupeHelperSupport.h"

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace loupe_helper;

/// Pages larger than this many pixels (at the rendering resolution, for a PDF) are skipped: the
/// images Tesseract makes of them would take hundreds of megabytes and minutes.
const double maxMegapixels = 100;

const char *defaultTessdata = "/usr/share/tesseract-ocr/5/tessdata";

/// Where this program's own messages go: the standard error it was given. File descriptor 2
/// itself is /dev/null once main starts, because the libraries write there as they please
/// ("libpng error: …", libtiff's and libjpeg's warnings, Tesseract's notes) and the parent reports
/// the first line of the standard error as the reason for a failure.
FILE *errors = stderr;

void silenceLibraries() {
    // Above 2: were standard output closed, dup would hand back 1, and the text would go to stderr.
    int saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved < 0 || null < 0) return;
    FILE *stream = fdopen(saved, "w");
    if (stream == nullptr || dup2(null, STDERR_FILENO) < 0) return;
    close(null);
    setvbuf(stream, nullptr, _IOLBF, 0);
    errors = stream;
}

void quiet(const std::string &, void *) {}

/// "1,4,7": page numbers from 1; false if anything else is in the list.
bool parsePages(const char *text, std::set<long> &out) {
    std::string list(text);
    size_t start = 0;
    for (;;) {
        size_t comma = list.find(',', start);
        std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        long page = 0;
        if (!loupe_helper::parseCount(item.c_str(), page) || page < 1) return false;
        out.insert(page);
        if (comma == std::string::npos) return true;
        start = comma + 1;
    }
}

/// Tesseract languages: names of [a-z_] joined by '+' ("fra+spa+eng", "chi_sim").
bool splitLanguages(const std::string &text, std::vector<std::string> &out) {
    size_t start = 0;
    for (;;) {
        size_t plus = text.find('+', start);
        std::string name = text.substr(start, plus == std::string::npos ? std::string::npos : plus - start);
        if (name.empty()) return false;
        for (char c : name) {
            if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
        }
        out.push_back(name);
        if (plus == std::string::npos) return true;
        start = plus + 1;
    }
}

/// Tesseract's text of a page as a record's text: NULs and form feeds made line breaks, other C0
/// controls but \n and \t dropped, trailing white space trimmed.
std::string clean(const char *text) {
    std::string out;
    if (text == nullptr) return out;
    for (const char *p = text; *p != '\0'; p++) {
        unsigned char c = static_cast<unsigned char>(*p);
        if (c == '\f') out.push_back('\n');
        else if (c >= 0x20 || c == '\n' || c == '\t') out.push_back(static_cast<char>(c));
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '\n' || out.back() == '\t')) out.pop_back();
    return out;
}

/// The tessdata directory Tesseract reads: --tessdata, else $TESSDATA_PREFIX, else Debian's.
std::string tessdataDirectory(const char *option) {
    if (option != nullptr) return option;
    const char *prefix = std::getenv("TESSDATA_PREFIX");
    if (prefix != nullptr && *prefix != '\0') return prefix;
    return defaultTessdata;
}

/// The languages of `languages` without a <lang>.traineddata in `directory`.
std::vector<std::string> missingLanguages(const std::vector<std::string> &languages, const std::string &directory) {
    std::vector<std::string> missing;
    for (const auto &name : languages) {
        std::string path = directory + "/" + name + ".traineddata";
        if (access(path.c_str(), R_OK) != 0) missing.push_back(name);
    }
    return missing;
}

/// "tesseract-ocr-fra tesseract-ocr-chi-sim": Debian's package names for language data.
std::string debianPackages(const std::vector<std::string> &languages) {
    std::string out;
    for (const auto &name : languages) {
        if (!out.empty()) out += " ";
        std::string package = "tesseract-ocr-" + name;
        std::replace(package.begin(), package.end(), '_', '-');
        out += package;
    }
    return out;
}

std::string joined(const std::vector<std::string> &names, const char *separator) {
    std::string out;
    for (const auto &name : names) {
        if (!out.empty()) out += separator;
        out += name;
    }
    return out;
}

struct TessDeleter {
    void operator()(TessBaseAPI *api) const {
        TessBaseAPIEnd(api);
        TessBaseAPIDelete(api);
    }
};
struct MonitorDeleter {
    void operator()(ETEXT_DESC *monitor) const { TessMonitorDelete(monitor); }
};
struct PixDeleter {
    void operator()(PIX *pix) const { pixDestroy(&pix); }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

/// Tesseract with `languages` loaded (LSTM models only: the legacy engine is slower and would
/// load more); nullptr and a line on `errors` when it cannot.
std::unique_ptr<TessBaseAPI, TessDeleter> startTesseract(const std::string &languages, const char *tessdata) {
    std::vector<std::string> names;
    splitLanguages(languages, names);
    std::string directory = tessdataDirectory(tessdata);
    std::vector<std::string> missing = missingLanguages(names, directory);
    if (!missing.empty()) {
        std::fprintf(errors, "tesseract language data missing in %s: %s (Debian packages: %s)\n", directory.c_str(),
                     joined(missing, ", ").c_str(), debianPackages(missing).c_str());
        return nullptr;
    }
    std::unique_ptr<TessBaseAPI, TessDeleter> api(TessBaseAPICreate());
    if (!api) {
        std::fprintf(errors, "tesseract cannot start\n");
        return nullptr;
    }
    if (TessBaseAPIInit2(api.get(), directory.c_str(), languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
        std::fprintf(errors, "tesseract cannot load the languages %s from %s (damaged or old data? Debian packages: %s)\n",
                     languages.c_str(), directory.c_str(), debianPackages(names).c_str());
        return nullptr;
    }
    // The API's default is one uniform block of text (PSM_SINGLE_BLOCK); the tesseract command's
    // is a page's layout analysis, which reads columns, headings and scattered lines far better.
    TessBaseAPISetPageSegMode(api.get(), tesseract::PSM_AUTO);
    return api;
}

enum class Kind { pdf, png, jpeg, tiff, unknown };

Kind kindOf(const std::vector<char> &input) {
    const unsigned char *b = reinterpret_cast<const unsigned char *>(input.data());
    size_t n = input.size();
    if (n >= 5 && std::memcmp(b, "%PDF-", 5) == 0) return Kind::pdf;
    if (n >= 8 && std::memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) return Kind::png;
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return Kind::jpeg;
    if (n >= 4 && (std::memcmp(b, "II*\0", 4) == 0 || std::memcmp(b, "MM\0*", 4) == 0)) return Kind::tiff;
    return Kind::unknown;
}

/// A TIFF page: the offset of its image file directory (what leptonica's
/// pixReadMemFromMultipageTiff takes to read it) and its size in pixels.
struct TiffPage {
    size_t offset;
    unsigned long width, height;
};

/// The pages of a (classic, not Big-) TIFF, from its chain of image file directories, read here
/// so that the page count and the pages' sizes are known before decoding any.
std::vector<TiffPage> tiffPages(const std::vector<char> &input) {
    const unsigned char *b = reinterpret_cast<const unsigned char *>(input.data());
    size_t n = input.size();
    bool little = b[0] == 'I';
    // Bytes `at`… as a little- or big-endian number of `width` bytes.
    auto number = [&](size_t at, int width) -> unsigned long {
        unsigned long v = 0;
        for (int k = 0; k < width; k++) {
            unsigned long byte = b[at + static_cast<size_t>(little ? width - 1 - k : k)];
            v = v << 8 | byte;
        }
        return v;
    };
    auto u16 = [&](size_t at) { return number(at, 2); };
    auto u32 = [&](size_t at) { return number(at, 4); };
    std::vector<TiffPage> pages;
    std::set<size_t> seen;
    size_t offset = n >= 8 ? u32(4) : 0;
    while (offset != 0 && offset + 2 <= n && pages.size() < 100000 && seen.insert(offset).second) {
        unsigned long entries = u16(offset);
        if (offset + 2 + entries * 12 + 4 > n) break;
        TiffPage page{offset, 0, 0};
        for (unsigned long e = 0; e < entries; e++) {
            size_t at = offset + 2 + e * 12;
            unsigned long tag = u16(at), type = u16(at + 2);
            unsigned long value = type == 3 ? u16(at + 8) : u32(at + 8);
            if (tag == 256) page.width = value;
            else if (tag == 257) page.height = value;
        }
        pages.push_back(page);
        offset = u32(offset + 2 + entries * 12);
    }
    return pages;
}

/// A decoded image as Tesseract reads it best: no colour map, at most 8 bits a sample, and a
/// transparent background made white (else transparent pixels read as black).
PixPtr normalised(PixPtr pix) {
    if (!pix) return pix;
    if (pixGetColormap(pix.get()) != nullptr) pix.reset(pixRemoveColormap(pix.get(), REMOVE_CMAP_BASED_ON_SRC));
    if (pix && pixGetDepth(pix.get()) == 16) pix.reset(pixConvert16To8(pix.get(), L_MS_BYTE));
    if (pix && pixGetDepth(pix.get()) == 32 && pixGetSpp(pix.get()) == 4) pix.reset(pixAlphaBlendUniform(pix.get(), 0xffffff00));
    return pix;
}

/// A PDF page rendered by poppler in 8-bit grey (what Tesseract works on; a quarter of the
/// memory of ARGB) at `dpi`, as a leptonica image.
PixPtr renderPage(const poppler::page_renderer &renderer, const poppler::page &page, int dpi) {
    poppler::image image = renderer.render_page(&page, dpi, dpi);
    if (!image.is_valid() || image.format() != poppler::image::format_gray8 || image.width() <= 0 || image.height() <= 0) return nullptr;
    int width = image.width(), height = image.height();
    PixPtr pix(pixCreate(width, height, 8));
    if (!pix) return nullptr;
    l_uint32 *data = pixGetData(pix.get());
    const char *rows = image.const_data();
    size_t rowBytes = static_cast<size_t>(image.bytes_per_row()), words = static_cast<size_t>(pixGetWpl(pix.get()));
    for (size_t y = 0; y < static_cast<size_t>(height); y++) {
        std::memcpy(data + y * words, rows + y * rowBytes, static_cast<size_t>(width));
    }
    // Leptonica keeps 8-bit pixels in 32-bit words, the first pixel in the most significant byte:
    // the rows copied as bytes are in the wrong order within each word on a little-endian machine.
    pixEndianByteSwap(pix.get());
    pixSetResolution(pix.get(), dpi, dpi);
    return pix;
}

struct Run {
    TessBaseAPI *api;
    ETEXT_DESC *monitor;
    long pageSeconds;
};

/// Recognises one page: its record ("page …" and the text, or "skip …"), written to stdout.
bool recognise(const Run &run, long number, PIX *pix) {
    TessBaseAPISetImage2(run.api, pix);
    int resolution = pixGetXRes(pix);
    if (resolution >= 70 && resolution <= 2400) TessBaseAPISetSourceResolution(run.api, resolution);
    // The deadline counts from now; Tesseract checks it between words, and past it gives up the
    // page (Recognize returns -1). Finding the lines before the first word is not interruptible;
    // the CPU-time limit bounds that.
    TessMonitorSetDeadlineMSecs(run.monitor, static_cast<int>(run.pageSeconds * 1000));
    auto start = std::chrono::steady_clock::now();
    int status = TessBaseAPIRecognize(run.api, run.monitor);
    auto elapsed = std::chrono::steady_clock::now() - start;
    std::string record;
    if (status != 0) {
        bool late = elapsed >= std::chrono::seconds(run.pageSeconds);
        record = "skip " + std::to_string(number) + " " +
                 (late ? "took longer than " + std::to_string(run.pageSeconds) + " s" : std::string("tesseract could not recognise it")) + "\n";
    } else {
        char *utf8 = TessBaseAPIGetUTF8Text(run.api);
        std::string text = clean(utf8);
        if (utf8 != nullptr) TessDeleteText(utf8);
        int confidence = std::max(0, std::min(100, TessBaseAPIMeanTextConf(run.api)));
        record = "page " + std::to_string(number) + " " + std::to_string(confidence) + " " + std::to_string(text.size()) + "\n";
        record += text;
        record += "\n";
    }
    TessBaseAPIClear(run.api);
    return loupe_helper::writeAll(STDOUT_FILENO, record.data(), record.size());
}

bool skip(long number, const std::string &why) {
    std::string record = "skip " + std::to_string(number) + " " + why + "\n";
    return loupe_helper::writeAll(STDOUT_FILENO, record.data(), record.size());
}

/// "over 100 megapixels": why a page too large is skipped.
std::string tooLarge() {
    return "over " + std::to_string(static_cast<int>(maxMegapixels)) + " megapixels";
}

/// The pages to recognise, of `pages`: those of --pages (all without it), the first `maxPages`
/// of them; `cut` says why when that leaves some out.
std::vector<long> chosenPages(long pages, const std::set<long> &wanted, long maxPages, std::string &cut) {
    std::vector<long> chosen;
    for (long p = 1; p <= pages; p++) {
        if (wanted.empty() || wanted.count(p) != 0) chosen.push_back(p);
    }
    if (static_cast<long>(chosen.size()) > maxPages) {
        cut = "only the first " + std::to_string(maxPages) + " of " + std::to_string(chosen.size()) +
              (wanted.empty() ? " pages" : " pages to recognise") + " (--max-pages " + std::to_string(maxPages) + ")";
        chosen.resize(static_cast<size_t>(maxPages));
    }
    return chosen;
}

bool writeHeader(long pages, const std::string &cut) {
    std::string header = "loupe-ocr 1\npages " + std::to_string(pages) + "\n";
    if (!cut.empty()) header += "cut " + cut + "\n";
    header += "\n";
    return loupe_helper::writeAll(STDOUT_FILENO, header.data(), header.size());
}

int writeFailed() {
    std::fprintf(errors, "loupe-ocr: cannot write the output: %s\n", std::strerror(errno));
    return usage;
}

/// --memory-mb, for main's out-of-memory message.
long memoryMB = 2048;

int helperMain(int argc, char **argv) {
    long maxPages = 200, cpuSeconds = 600, dpi = 300, pageSeconds = 60;
    const char *languages = nullptr;
    const char *tessdata = nullptr;
    bool check = false;
    std::set<long> wanted;
    for (int i = 1; i < argc; i++) {
        if (std::strcmp(argv[i], "--check") == 0) {
            check = true;
            continue;
        }
        bool valid = i + 1 < argc;
        long *target = nullptr;
        if (std::strcmp(argv[i], "--max-pages") == 0) target = &maxPages;
        else if (std::strcmp(argv[i], "--cpu-seconds") == 0) target = &cpuSeconds;
        else if (std::strcmp(argv[i], "--memory-mb") == 0) target = &memoryMB;
        else if (std::strcmp(argv[i], "--dpi") == 0) target = &dpi;
        else if (std::strcmp(argv[i], "--page-seconds") == 0) target = &pageSeconds;
        if (target != nullptr) valid = valid && loupe_helper::parseCount(argv[i + 1], *target);
        else if (std::strcmp(argv[i], "--lang") == 0 && valid) languages = argv[i + 1];
        else if (std::strcmp(argv[i], "--tessdata") == 0 && valid) tessdata = argv[i + 1];
        else if (std::strcmp(argv[i], "--pages") == 0) valid = valid && parsePages(argv[i + 1], wanted);
        else valid = false;
        if (!valid) {
            std::fprintf(errors, "loupe-ocr: bad argument '%s'\n", argv[i]);
            return usage;
        }
        i++;
    }
    std::vector<std::string> names;
    if (languages == nullptr || !splitLanguages(languages, names)) {
        std::fprintf(errors, "loupe-ocr: --lang needs Tesseract languages joined by + (as fra+spa+eng)\n");
        return usage;
    }
    if (dpi < 36 || dpi > 1200 || pageSeconds < 1 || pageSeconds > 86400 || maxPages < 1) {
        std::fprintf(errors, "loupe-ocr: --dpi must be in 36…1200, --page-seconds in 1…86400, --max-pages at least 1\n");
        return usage;
    }
    // Past the soft CPU limit the kernel sends SIGXCPU (which ends the process), past the hard
    // one SIGKILL; allocations past the address-space limit fail (a std::bad_alloc, reported by
    // main, or an error from leptonica or poppler): either way the parent sees a failure, never a
    // hang.
    loupe_helper::limitResources(cpuSeconds, memoryMB);
    poppler::set_debug_error_function(quiet, nullptr);
    setMsgSeverity(L_SEVERITY_NONE);

    if (check) {
        return startTesseract(languages, tessdata) ? ok : unavailable;
    }

    std::vector<char> input;
    if (!loupe_helper::readInput(input)) {
        std::fprintf(errors, "loupe-ocr: cannot read the input: %s\n", std::strerror(errno));
        return usage;
    }
    Kind kind = kindOf(input);
    if (kind == Kind::unknown) {
        std::fprintf(errors, "not a PDF or an image (PNG, JPEG, TIFF)\n");
        return damaged;
    }
    const l_uint8 *bytes = reinterpret_cast<const l_uint8 *>(input.data());

    if (kind == Kind::pdf) {
        int status = ok;
        std::unique_ptr<poppler::document> doc = openPDF(input, errors, status);
        if (!doc) return status;
        if (!poppler::page_renderer::can_render()) {
            std::fprintf(errors, "poppler was built without its renderer (Splash): cannot render PDF pages\n");
            return unavailable;
        }
        auto api = startTesseract(languages, tessdata);
        if (!api) return unavailable;
        std::unique_ptr<ETEXT_DESC, MonitorDeleter> monitor(TessMonitorCreate());
        Run run{api.get(), monitor.get(), pageSeconds};
        int pages = doc->pages();
        std::string cut;
        std::vector<long> chosen = chosenPages(pages, wanted, maxPages, cut);
        if (!writeHeader(pages, cut)) {
            return writeFailed();
        }
        poppler::page_renderer renderer;
        renderer.set_image_format(poppler::image::format_gray8);
        renderer.set_render_hints(poppler::page_renderer::antialiasing | poppler::page_renderer::text_antialiasing);
        for (long number : chosen) {
            std::unique_ptr<poppler::page> page(doc->create_page(static_cast<int>(number - 1)));
            bool written;
            if (!page) {
                written = skip(number, "damaged page (poppler cannot read it)");
            } else {
                poppler::rectf box = page->page_rect();
                double scale = static_cast<double>(dpi) / 72.0;
                double pixels = std::fabs(box.width() * box.height()) * scale * scale;
                if (pixels > maxMegapixels * 1e6) {
                    written = skip(number, tooLarge() + " at " + std::to_string(dpi) + " dpi");
                } else {
                    PixPtr pix = renderPage(renderer, *page, static_cast<int>(dpi));
                    written = pix ? recognise(run, number, pix.get()) : skip(number, "poppler cannot render it");
                }
            }
            if (!written) {
                return writeFailed();
            }
        }
    } else {
        // An image: one page, or each page of a TIFF.
        std::vector<TiffPage> tiff;
        long pages = 1;
        unsigned long width = 0, height = 0;
        PixPtr single; // a PNG's or JPEG's image, decoded before the output starts: if it cannot be, the file is damaged
        if (kind == Kind::tiff) {
            tiff = tiffPages(input);
            pages = static_cast<long>(tiff.size());
            if (pages == 0) {
                std::fprintf(errors, "damaged TIFF image (no page in it)\n");
                return damaged;
            }
        } else {
            l_int32 format = 0, w = 0, h = 0, bps = 0, spp = 0, colormap = 0;
            if (pixReadHeaderMem(bytes, input.size(), &format, &w, &h, &bps, &spp, &colormap) != 0 || w <= 0 || h <= 0) {
                std::fprintf(errors, "damaged %s image (leptonica cannot read it)\n", kind == Kind::png ? "PNG" : "JPEG");
                return damaged;
            }
            width = static_cast<unsigned long>(w);
            height = static_cast<unsigned long>(h);
            if (static_cast<double>(width) * static_cast<double>(height) <= maxMegapixels * 1e6) {
                single = normalised(PixPtr(pixReadMem(bytes, input.size())));
                if (!single) {
                    std::fprintf(errors, "damaged %s image (leptonica cannot decode it)\n", kind == Kind::png ? "PNG" : "JPEG");
                    return damaged;
                }
            }
        }
        auto api = startTesseract(languages, tessdata);
        if (!api) return unavailable;
        std::unique_ptr<ETEXT_DESC, MonitorDeleter> monitor(TessMonitorCreate());
        Run run{api.get(), monitor.get(), pageSeconds};
        std::string cut;
        std::vector<long> chosen = chosenPages(pages, wanted, maxPages, cut);
        if (!writeHeader(pages, cut)) {
            return writeFailed();
        }
        for (long number : chosen) {
            if (kind == Kind::tiff) {
                width = tiff[static_cast<size_t>(number - 1)].width;
                height = tiff[static_cast<size_t>(number - 1)].height;
            }
            double pixels = static_cast<double>(width) * static_cast<double>(height);
            bool written;
            if (pixels > maxMegapixels * 1e6) {
                written = skip(number, tooLarge() + " (" + std::to_string(width) + " × " + std::to_string(height) + " pixels)");
            } else {
                PixPtr pix;
                if (kind == Kind::tiff) {
                    // Offset 0 is the first page for leptonica; any other, a directory's offset.
                    size_t offset = number == 1 ? 0 : tiff[static_cast<size_t>(number - 1)].offset;
                    pix.reset(pixReadMemFromMultipageTiff(bytes, input.size(), &offset));
                    pix = normalised(std::move(pix));
                } else {
                    pix = std::move(single);
                }
                written = pix ? recognise(run, number, pix.get()) : skip(number, "damaged image (leptonica cannot decode it)");
            }
            if (!written) {
                return writeFailed();
            }
        }
    }
    if (!loupe_helper::writeAll(STDOUT_FILENO, "end\n", 4)) {
        return writeFailed();
    }
    return ok;
}

} // namespace

int main(int argc, char **argv) {
    // Debian's libtesseract runs parts of the LSTM in OpenMP threads; libgomp reads its settings
    // when it is loaded, before main. Loupe runs one helper per indexing worker, so each must stay
    // on one thread: without OMP_THREAD_LIMIT=1 in the environment, start again with it (once).
    const char *threads = std::getenv("OMP_THREAD_LIMIT");
    if ((threads == nullptr || std::strcmp(threads, "1") != 0) && std::getenv("LOUPE_OCR_REEXEC") == nullptr) {
        setenv("OMP_THREAD_LIMIT", "1", 1);
        setenv("LOUPE_OCR_REEXEC", "1", 1);
        execv("/proc/self/exe", argv);
        // No /proc: go on, perhaps with more threads than wished.
    }
    unsetenv("LOUPE_OCR_REEXEC");
    silenceLibraries();
    // Tesseract, leptonica and poppler allocate with new: past the address-space limit, a
    // std::bad_alloc, said here rather than as an abort.
    try {
        return helperMain(argc, argv);
    } catch (const std::bad_alloc &) {
        std::fprintf(errors, "out of memory (over %ld MiB): too large a page or a damaged file\n", memoryMB);
    } catch (const std::exception &e) {
        std::fprintf(errors, "loupe-ocr: %s\n", e.what());
    }
    return damaged;
}
