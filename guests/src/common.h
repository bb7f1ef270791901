/*
 * common.h - small helpers shared by the guest programs (not a program: the
 * build compiles only *.c). Everything here works the same built for
 * wasm32-wasi (wasi-libc) and natively (glibc).
 *
 * Test programs print errno values as names (ENOENT), never as numbers (WASI
 * and Linux number them differently) nor as strerror() text (musl and glibc
 * word some messages differently). Signals are Linux numbers on both sides.
 */
#ifndef GUESTS_COMMON_H
#define GUESTS_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define ERRNAME_(e) { e, #e }
static const struct { int num; const char *name; } guest_errnames[] = {
  ERRNAME_(EPERM), ERRNAME_(ENOENT), ERRNAME_(ESRCH), ERRNAME_(EINTR), ERRNAME_(EIO),
  ERRNAME_(ENXIO), ERRNAME_(E2BIG), ERRNAME_(ENOEXEC), ERRNAME_(EBADF), ERRNAME_(ECHILD),
  ERRNAME_(EAGAIN), ERRNAME_(ENOMEM), ERRNAME_(EACCES), ERRNAME_(EFAULT), ERRNAME_(EBUSY),
  ERRNAME_(EEXIST), ERRNAME_(EXDEV), ERRNAME_(ENODEV), ERRNAME_(ENOTDIR), ERRNAME_(EISDIR),
  ERRNAME_(EINVAL), ERRNAME_(ENFILE), ERRNAME_(EMFILE), ERRNAME_(ENOTTY), ERRNAME_(ETXTBSY),
  ERRNAME_(EFBIG), ERRNAME_(ENOSPC), ERRNAME_(ESPIPE), ERRNAME_(EROFS), ERRNAME_(EMLINK),
  ERRNAME_(EPIPE), ERRNAME_(EDOM), ERRNAME_(ERANGE), ERRNAME_(EDEADLK), ERRNAME_(ENAMETOOLONG),
  ERRNAME_(ENOLCK), ERRNAME_(ENOSYS), ERRNAME_(ENOTEMPTY), ERRNAME_(ELOOP), ERRNAME_(ENOTSUP),
  ERRNAME_(ENOTSOCK), ERRNAME_(EOVERFLOW), ERRNAME_(EILSEQ),
#ifdef ENOTCAPABLE
  ERRNAME_(ENOTCAPABLE),
#endif
};
#undef ERRNAME_

/* The name of an errno value ("ENOENT"), or "E?<number>" for one not in the table. */
static inline const char *errname(int e) {
  static char buf[16];
  for (size_t i = 0; i < sizeof guest_errnames / sizeof guest_errnames[0]; i++) {
    if (guest_errnames[i].num == e && e != 0) return guest_errnames[i].name;
  }
  snprintf(buf, sizeof buf, "E?%d", e);
  return buf;
}

/* Linux signal numbers, which wVisor guests also see. */
static inline const char *signame(int s) {
  static const char *names[] = {
    "0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
    "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
    "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
  };
  static char buf[16];
  if (s >= 0 && s < (int)(sizeof names / sizeof names[0])) return names[s];
  snprintf(buf, sizeof buf, "SIG?%d", s);
  return buf;
}

#ifdef __wasi__
#include <stdlib.h>
/* wasi-libc starts every program in "/": a program spawned with a working
 * directory gets it as PWD (the wVisor ABI), and moves there before main, so
 * relative paths mean what they mean natively. */
__attribute__((constructor)) static void guest_start_in_pwd(void) {
  const char *pwd = getenv("PWD");
  if (pwd && pwd[0] == '/') chdir(pwd);
}
#endif

/* Writes all of buf to fd; returns 0, or -1 with errno set. */
static inline int write_all(int fd, const void *buf, size_t len) {
  const char *p = (const char *)buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

#endif
