/*
 * calls - per-call cost of single WASI calls, made with the raw WASI imports
 * (wasi/api.h) so that no libc buffering hides or batches them.
 *
 *   calls empty N                 N iterations of a loop doing one volatile store (the loop's own cost)
 *   calls clock N                 N x clock_time_get(MONOTONIC)
 *   calls write N FD              N x 1-byte fd_write to an fd the runtime gave us
 *   calls write N DIRFD PATH      ... to PATH opened relative to the preopen DIRFD
 *   calls stat N DIRFD PATH       N x path_filestat_get(DIRFD, PATH)
 *
 * Prints one line on stderr (fd 2): "MODE N ELAPSED_NS", the loop alone timed
 * with the monotonic clock, or "calls: ERROR" and exits 1. Every call's result
 * is checked, so a runtime that fails a call cannot look fast.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static void say(const char *s) {
  __wasi_ciovec_t v = { (const uint8_t *)s, strlen(s) };
  __wasi_size_t n;
  (void)!__wasi_fd_write(2, &v, 1, &n);
}

static int fail(const char *what, __wasi_errno_t e) {
  char b[160];
  char num[12];
  int i = 11;
  num[i] = 0;
  do { num[--i] = (char)('0' + e % 10); e /= 10; } while (e && i > 0);
  strcpy(b, "calls: ");
  strncat(b, what, 100);
  strcat(b, " failed: errno ");
  strcat(b, num + i);
  strcat(b, "\n");
  say(b);
  return 1;
}

/* The empty loop stores here once per iteration, so it cannot be removed or folded. */
volatile uint32_t bench_sink;

static __wasi_timestamp_t now(void) {
  __wasi_timestamp_t t = 0;
  (void)!__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

static void u64str(char *out, uint64_t v) {
  char tmp[24];
  int i = 23;
  tmp[i] = 0;
  do { tmp[--i] = (char)('0' + v % 10); v /= 10; } while (v);
  strcpy(out, tmp + i);
}

int main(int argc, char **argv) {
  if (argc < 3) { say("usage: calls empty|clock|write|stat N [FD | DIRFD PATH]\n"); return 2; }
  const char *mode = argv[1];
  uint64_t n = strtoull(argv[2], NULL, 10);
  __wasi_timestamp_t t0, t1;

  if (strcmp(mode, "empty") == 0) {
    t0 = now();
    for (uint64_t i = 0; i < n; i++) bench_sink = (uint32_t)i;
    t1 = now();
  } else if (strcmp(mode, "clock") == 0) {
    __wasi_timestamp_t t = 0;
    t0 = now();
    for (uint64_t i = 0; i < n; i++) {
      __wasi_errno_t e = __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
      if (e) return fail("clock_time_get", e);
    }
    t1 = now();
  } else if (strcmp(mode, "write") == 0 && argc >= 4) {
    __wasi_fd_t fd = (__wasi_fd_t)atoi(argv[3]);
    if (argc >= 5) {
      __wasi_errno_t e = __wasi_path_open(fd, 0, argv[4], 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
      if (e) return fail("path_open", e);
    }
    static const uint8_t byte = 'x';
    __wasi_ciovec_t v = { &byte, 1 };
    t0 = now();
    for (uint64_t i = 0; i < n; i++) {
      __wasi_size_t w = 0;
      __wasi_errno_t e = __wasi_fd_write(fd, &v, 1, &w);
      if (e || w != 1) return fail("fd_write", e);
    }
    t1 = now();
  } else if (strcmp(mode, "stat") == 0 && argc >= 5) {
    __wasi_fd_t fd = (__wasi_fd_t)atoi(argv[3]);
    __wasi_filestat_t st;
    t0 = now();
    for (uint64_t i = 0; i < n; i++) {
      __wasi_errno_t e = __wasi_path_filestat_get(fd, 0, argv[4], &st);
      if (e) return fail("path_filestat_get", e);
    }
    t1 = now();
  } else {
    say("calls: unknown mode or missing arguments\n");
    return 2;
  }

  char line[96], num[24];
  strcpy(line, mode);
  strcat(line, " ");
  u64str(num, n);
  strcat(line, num);
  strcat(line, " ");
  u64str(num, t1 - t0);
  strcat(line, num);
  strcat(line, "\n");
  say(line);
  return 0;
}
