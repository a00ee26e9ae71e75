#define _GNU_SOURCE
#include <errno.h>
#include <sys/uio.h>
#include "csupport.h"

ssize_t csupport_read_if_cached(int fd, void *buffer, size_t length) {
#ifdef RWF_NOWAIT
    struct iovec iov = { buffer, length };
    ssize_t n = preadv2(fd, &iov, 1, -1, RWF_NOWAIT);
    if (n < 0 && (errno == EOPNOTSUPP || errno == ENOSYS)) return -2;
    if (n < 0 && errno == EAGAIN) return -1;
    if (n < 0) return -2;
    return n;
#else
    (void)fd; (void)buffer; (void)length;
    return -2;
#endif
}
