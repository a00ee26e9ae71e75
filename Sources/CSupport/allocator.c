#include "csupport.h"

#if defined(__GLIBC__)
#include <malloc.h>
#include <limits.h>

void csupport_keep_freed_memory(void) {
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
    mallopt(M_TOP_PAD, 16 << 20);
}
#else
void csupport_keep_freed_memory(void) {}
#endif
