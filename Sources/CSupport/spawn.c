#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "csupport.h"

extern char **environ;

int csupport_memfd(const char *name) {
#ifdef SYS_memfd_create
    return (int)syscall(SYS_memfd_create, name, 1u /* MFD_CLOEXEC */);
#else
    (void)name;
    errno = ENOSYS;
    return -1;
#endif
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int csupport_run(const char *path, char *const argv[], int in_fd, int out_fd, int err_fd, int timeout_ms,
                 int *status, int *timed_out) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int error = posix_spawn_file_actions_init(&actions);
    if (error) return error;
    posix_spawn_file_actions_adddup2(&actions, in_fd, 0);
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    posix_spawnattr_init(&attributes);
    // The child starts with default signal handling (the parent may ignore SIGPIPE or block some).
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    pid_t pid;
    // ETXTBSY: the program was just written and another thread's child still holds it open for
    // writing (an inherited descriptor, until that child's exec closes it): a moment later it runs.
    for (int attempt = 0; attempt < 20; attempt++) {
        error = posix_spawn(&pid, path, &actions, &attributes, argv, environ);
        if (error != ETXTBSY) break;
        struct timespec pause = { 0, 10000000 };
        nanosleep(&pause, NULL);
    }
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (error) return error;

    *timed_out = 0;
    long long deadline = now_ms() + timeout_ms;
#ifdef SYS_pidfd_open
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#else
    int pidfd = -1;
#endif
    for (;;) {
        pid_t done = waitpid(pid, status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) {
            error = errno;
            break;
        }
        long long left = deadline - now_ms();
        if (left <= 0) {
            kill(pid, SIGKILL);
            *timed_out = 1;
            while (waitpid(pid, status, 0) < 0 && errno == EINTR) {}
            break;
        }
        if (pidfd >= 0) {
            // Readable when the child ends: no polling.
            struct pollfd p = { pidfd, POLLIN, 0 };
            poll(&p, 1, left > 1000 ? 1000 : (int)left);
        } else {
            struct timespec pause = { 0, 1000000 };
            nanosleep(&pause, NULL);
        }
    }
    if (pidfd >= 0) close(pidfd);
    return error;
}
