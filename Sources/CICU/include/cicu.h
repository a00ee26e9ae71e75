#ifndef CICU_H
#define CICU_H
// Thin wrappers over ICU's C API under stable names. ICU renames its symbols per version
// (ubrk_open becomes ubrk_open_72) with macros that Swift cannot import, so every ICU call
// the analysis module needs goes through one of these.
#include <stdint.h>

typedef struct CICUWordBreaker CICUWordBreaker;

/// Opens a UAX #29 word break iterator (root locale). Returns NULL on failure, with ICU's error
/// code (a UErrorCode) in *error.
CICUWordBreaker *cicu_wb_open(int32_t *error);
/// Opens a UAX #29 sentence break iterator (root locale), driven by the same calls as a word
/// iterator (`cicu_wb_set_utf8`, `cicu_wb_next`, `cicu_wb_close`). NULL on failure, as above.
CICUWordBreaker *cicu_sb_open(int32_t *error);
void cicu_wb_close(CICUWordBreaker *wb);
/// Points the iterator at UTF-8 text (not copied: it must outlive the iteration).
/// Returns 0 on success, the ICU error code otherwise.
int32_t cicu_wb_set_utf8(CICUWordBreaker *wb, const char *text, int64_t length);
/// The next boundary as a byte offset into the text, or -1 when done.
int32_t cicu_wb_next(CICUWordBreaker *wb);
/// The rule status of the segment that ends at the last boundary returned:
/// 0-99 none (spaces, punctuation), 100-199 number, 200-299 letter, 300-399 kana, 400-499 ideographic.
int32_t cicu_wb_rule_status(CICUWordBreaker *wb);

/// UTF-8 to UTF-16. Returns the UTF-16 length (which may exceed capacity: retry with more), or -1 on invalid input.
int32_t cicu_utf8_to_utf16(const char *src, int32_t srcLength, uint16_t *dest, int32_t capacity);
/// UTF-16 to UTF-8. Returns the UTF-8 length (which may exceed capacity), or -1 on error.
int32_t cicu_utf16_to_utf8(const uint16_t *src, int32_t srcLength, char *dest, int32_t capacity);
/// NFKC + case folding (ICU's NFKC_Casefold). Returns the output length (may exceed capacity), -1 on error.
int32_t cicu_nfkc_casefold(const uint16_t *src, int32_t srcLength, uint16_t *dest, int32_t capacity);
/// Canonical decomposition (NFD). Returns the output length (may exceed capacity), -1 on error.
int32_t cicu_nfd(const uint16_t *src, int32_t srcLength, uint16_t *dest, int32_t capacity);
/// The Unicode general category of a code point, as ICU's UCharCategory value.
int32_t cicu_char_type(uint32_t codePoint);
/// ICU's UCharCategory value for nonspacing marks (U_NON_SPACING_MARK).
int32_t cicu_category_nonspacing_mark(void);
/// The code point's Word_Break property (UAX #29) when it is one the fast word segmentation
/// handles: 1 ALetter, 2 Other, 3 MidNumLet; 0 for any other value.
int32_t cicu_word_break_class(uint32_t codePoint);
/// ISO 3166 region codes (NULL-terminated list, owned by ICU), and ISO 639 language codes.
const char *const *cicu_iso_countries(void);
const char *const *cicu_iso_languages(void);
/// A region's (language's) display name in `displayLocale` ("en", "fr", "es"), as NUL-terminated
/// UTF-8 in dest. Returns its length, or -1 when CLDR has no name there (or it does not fit).
int32_t cicu_region_name(const char *region, const char *displayLocale, char *dest, int32_t capacity);
/// CLDR's variant region names (alt="variant": "Ivory Coast", "Costa de Marfil") in one display
/// locale, opened once for many lookups. NULL when the locale has none.
typedef struct CICUVariantNames CICUVariantNames;
CICUVariantNames *cicu_variant_names_open(const char *displayLocale);
void cicu_variant_names_close(CICUVariantNames *names);
/// The region's variant name, or -1 when there is none.
int32_t cicu_region_variant_name(CICUVariantNames *names, const char *region, char *dest, int32_t capacity);
int32_t cicu_language_name(const char *language, const char *displayLocale, char *dest, int32_t capacity);
/// The ICU version string, e.g. "72.1".
const char *cicu_version(void);

#endif

// Charset detection and conversion (ucsdet, ucnv), for text files that are not UTF-8.
/// Writes the most likely charset of `bytes` (an ICU name: `ISO-8859-1`, `windows-1252`,
/// `UTF-16LE`…) into `name` and returns its confidence (0–100), or -1 when nothing is detected.
int32_t cicu_detect_charset(const char *bytes, int32_t length, char *name, int32_t capacity);
/// Converts `src` from `charset` to UTF-8 into `dest`; returns the UTF-8 length (more than
/// `capacity` when `dest` is too small: nothing usable is written then), or -1 on an error (an
/// unknown charset). Unmappable bytes become U+FFFD.
int32_t cicu_convert_to_utf8(const char *charset, const char *src, int32_t srcLength, char *dest, int32_t capacity);
