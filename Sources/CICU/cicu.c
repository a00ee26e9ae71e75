#include "cicu.h"
#include <stdio.h>
#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/unorm2.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/uversion.h>

struct CICUWordBreaker {
    UBreakIterator *bi;
    UText *text;
};

static CICUWordBreaker *open_breaker(UBreakIteratorType type, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(type, "", NULL, 0, &status);
    *error = (int32_t)status;
    if (U_FAILURE(status) || bi == NULL) return NULL;
    CICUWordBreaker *wb = calloc(1, sizeof(CICUWordBreaker));
    if (wb == NULL) { ubrk_close(bi); *error = (int32_t)U_MEMORY_ALLOCATION_ERROR; return NULL; }
    wb->bi = bi;
    return wb;
}

CICUWordBreaker *cicu_wb_open(int32_t *error) { return open_breaker(UBRK_WORD, error); }

CICUWordBreaker *cicu_sb_open(int32_t *error) { return open_breaker(UBRK_SENTENCE, error); }

void cicu_wb_close(CICUWordBreaker *wb) {
    if (wb == NULL) return;
    if (wb->bi) ubrk_close(wb->bi);
    if (wb->text) utext_close(wb->text);
    free(wb);
}

int32_t cicu_wb_set_utf8(CICUWordBreaker *wb, const char *text, int64_t length) {
    UErrorCode status = U_ZERO_ERROR;
    wb->text = utext_openUTF8(wb->text, text, length, &status);
    if (U_FAILURE(status)) return (int32_t)status;
    ubrk_setUText(wb->bi, wb->text, &status);
    if (U_FAILURE(status)) return (int32_t)status;
    return 0;
}

int32_t cicu_wb_next(CICUWordBreaker *wb) {
    int32_t next = ubrk_next(wb->bi);
    return next == UBRK_DONE ? -1 : next;
}

int32_t cicu_wb_rule_status(CICUWordBreaker *wb) {
    return ubrk_getRuleStatus(wb->bi);
}

int32_t cicu_utf8_to_utf16(const char *src, int32_t srcLength, uint16_t *dest, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t length = 0;
    u_strFromUTF8WithSub((UChar *)dest, capacity, &length, src, srcLength, 0xFFFD, NULL, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || U_SUCCESS(status)) return length;
    return -1;
}

int32_t cicu_utf16_to_utf8(const uint16_t *src, int32_t srcLength, char *dest, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t length = 0;
    u_strToUTF8WithSub(dest, capacity, &length, (const UChar *)src, srcLength, 0xFFFD, NULL, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || U_SUCCESS(status)) return length;
    return -1;
}

static int32_t normalize(const UNormalizer2 *n, const uint16_t *src, int32_t srcLength, uint16_t *dest, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t length = unorm2_normalize(n, (const UChar *)src, srcLength, (UChar *)dest, capacity, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || U_SUCCESS(status)) return length;
    return -1;
}

int32_t cicu_nfkc_casefold(const uint16_t *src, int32_t srcLength, uint16_t *dest, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *n = unorm2_getNFKCCasefoldInstance(&status);
    if (U_FAILURE(status)) return -1;
    return normalize(n, src, srcLength, dest, capacity);
}

int32_t cicu_nfd(const uint16_t *src, int32_t srcLength, uint16_t *dest, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *n = unorm2_getNFDInstance(&status);
    if (U_FAILURE(status)) return -1;
    return normalize(n, src, srcLength, dest, capacity);
}

int32_t cicu_char_type(uint32_t codePoint) { return (int32_t)u_charType((UChar32)codePoint); }

int32_t cicu_category_nonspacing_mark(void) { return (int32_t)U_NON_SPACING_MARK; }

int32_t cicu_word_break_class(uint32_t codePoint) {
    switch (u_getIntPropertyValue((UChar32)codePoint, UCHAR_WORD_BREAK)) {
    case U_WB_ALETTER: return 1;
    case U_WB_OTHER: return 2;
    case U_WB_MIDNUMLET: return 3;
    default: return 0;
    }
}

const char *cicu_version(void) { return U_ICU_VERSION; }

/* Place and language names (CLDR, through ICU's locale display names). */

#include <unicode/uloc.h>
#include <unicode/ures.h>
#include <unicode/udata.h>

const char *const *cicu_iso_countries(void) { return uloc_getISOCountries(); }

const char *const *cicu_iso_languages(void) { return uloc_getISOLanguages(); }

/* UTF-16 to UTF-8 into dest; the UTF-8 length, or -1. */
static int32_t to_utf8(const UChar *src, int32_t length, char *dest, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t written = 0;
    u_strToUTF8(dest, capacity, &written, src, length, &status);
    if (U_FAILURE(status) || written >= capacity) return -1;
    dest[written] = 0;
    return written;
}

int32_t cicu_region_name(const char *region, const char *displayLocale, char *dest, int32_t capacity) {
    char locale[32];
    UChar buffer[256];
    UErrorCode status = U_ZERO_ERROR;
    snprintf(locale, sizeof locale, "und_%s", region);
    int32_t n = uloc_getDisplayCountry(locale, displayLocale, buffer, 256, &status);
    if (U_FAILURE(status) || status == U_USING_DEFAULT_WARNING || n <= 0 || n >= 256) return -1;
    return to_utf8(buffer, n, dest, capacity);
}

struct CICUVariantNames {
    UResourceBundle *bundle;
    UResourceBundle *table;
};

CICUVariantNames *cicu_variant_names_open(const char *displayLocale) {
    UErrorCode status = U_ZERO_ERROR;
    UResourceBundle *bundle = ures_open(U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "region", displayLocale, &status);
    if (U_FAILURE(status)) return NULL;
    UResourceBundle *table = ures_getByKey(bundle, "Countries%variant", NULL, &status);
    if (U_FAILURE(status)) { ures_close(bundle); return NULL; }
    CICUVariantNames *names = calloc(1, sizeof(CICUVariantNames));
    if (names == NULL) { ures_close(table); ures_close(bundle); return NULL; }
    names->bundle = bundle;
    names->table = table;
    return names;
}

void cicu_variant_names_close(CICUVariantNames *names) {
    if (names == NULL) return;
    ures_close(names->table);
    ures_close(names->bundle);
    free(names);
}

int32_t cicu_region_variant_name(CICUVariantNames *names, const char *region, char *dest, int32_t capacity) {
    if (names == NULL) return -1;
    UErrorCode status = U_ZERO_ERROR;
    int32_t length = 0;
    const UChar *name = ures_getStringByKey(names->table, region, &length, &status);
    if (U_FAILURE(status) || status == U_USING_FALLBACK_WARNING || status == U_USING_DEFAULT_WARNING) return -1;
    return to_utf8(name, length, dest, capacity);
}

int32_t cicu_language_name(const char *language, const char *displayLocale, char *dest, int32_t capacity) {
    UChar buffer[256];
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = uloc_getDisplayLanguage(language, displayLocale, buffer, 256, &status);
    if (U_FAILURE(status) || status == U_USING_DEFAULT_WARNING || n <= 0 || n >= 256) return -1;
    return to_utf8(buffer, n, dest, capacity);
}

int32_t cicu_detect_charset(const char *bytes, int32_t length, char *name, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    UCharsetDetector *detector = ucsdet_open(&status);
    if (U_FAILURE(status) || detector == NULL) return -1;
    ucsdet_setText(detector, bytes, length, &status);
    const UCharsetMatch *match = U_SUCCESS(status) ? ucsdet_detect(detector, &status) : NULL;
    int32_t confidence = -1;
    if (U_SUCCESS(status) && match != NULL) {
        const char *found = ucsdet_getName(match, &status);
        int32_t c = ucsdet_getConfidence(match, &status);
        if (U_SUCCESS(status) && found != NULL && capacity > 0) {
            snprintf(name, (size_t)capacity, "%s", found);
            confidence = c;
        }
    }
    ucsdet_close(detector);
    return confidence;
}

int32_t cicu_convert_to_utf8(const char *charset, const char *src, int32_t srcLength, char *dest, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t length = ucnv_convert("UTF-8", charset, dest, capacity, src, srcLength, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING) return length;
    if (U_FAILURE(status)) return -1;
    return length;
}
