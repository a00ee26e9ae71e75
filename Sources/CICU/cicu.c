#include "cicu.h"
#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/uversion.h>

struct CICUWordBreaker {
    UBreakIterator *bi;
    UText *text;
};

CICUWordBreaker *cicu_wb_open(int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "", NULL, 0, &status);
    *error = (int32_t)status;
    if (U_FAILURE(status) || bi == NULL) return NULL;
    CICUWordBreaker *wb = calloc(1, sizeof(CICUWordBreaker));
    if (wb == NULL) { ubrk_close(bi); *error = (int32_t)U_MEMORY_ALLOCATION_ERROR; return NULL; }
    wb->bi = bi;
    return wb;
}

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
