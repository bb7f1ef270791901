/* pipe, pipe2, dup, dup2, dup3, close, fcntl (close-on-exec is the kernel's flag of each fd) and isatty over wvisor_v1 and WASI. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>
#include "internal.h"

int __wvp_join(char *out, unsigned long size, const char *dir, const char *path) {
  int n = path[0] == '/' ? snprintf(out, size, "%s", path)
                         : snprintf(out, size, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", path);
  return n < 0 || (unsigned long)n >= size ? ENAMETOOLONG : 0;
}

int __wvp_fd_open(int fd) {
  __wasi_fdstat_t st;
  if (fd < 0) return EBADF;
  return __wasi_fd_fdstat_get((__wasi_fd_t)fd, &st) == 0 ? 0 : EBADF;
}

WVP_API int pipe(int fds[2]) {
  int32_t f[2];
  if (__wvp_ret(__wv_pipe(f))) return -1;
  fds[0] = f[0];
  fds[1] = f[1];
  return 0;
}

WVP_API int pipe2(int fds[2], int flags) {
  int32_t f[2];
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) { errno = EINVAL; return -1; }
  int32_t wf = (flags & O_CLOEXEC ? WVP_CLOEXEC : 0) | (flags & O_NONBLOCK ? WVP_NONBLOCK : 0);
  if (__wvp_ret(__wv_pipe2(f, wf))) return -1;
  fds[0] = f[0];
  fds[1] = f[1];
  return 0;
}

WVP_API int dup(int fd) {
  int32_t n;
  if (__wvp_ret(__wv_dup(fd, &n))) return -1;
  return n;
}

WVP_API int dup2(int fd, int to) {
  if (fd == to) {
    int e = __wvp_fd_open(fd);
    if (e) { errno = e; return -1; }
    return to;
  }
  if (__wvp_ret(__wv_dup2(fd, to))) return -1;
  return to;
}

WVP_API int dup3(int fd, int to, int flags) {
  if (flags & ~O_CLOEXEC) { errno = EINVAL; return -1; }
  if (__wvp_ret(__wv_dup3(fd, to, flags & O_CLOEXEC ? WVP_CLOEXEC : 0))) return -1;
  return to;
}

WVP_API int close(int fd) {
  __wasi_errno_t e = __wasi_fd_close((__wasi_fd_t)fd);
  if (e) { errno = e; return -1; }
  return 0;
}

/* The lowest closed fd >= min. */
static int lowest_free(int min) {
  for (int fd = min; fd < WVP_MAX_FDS; fd++) if (__wvp_fd_open(fd)) return fd;
  return -1;
}

WVP_API int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  int arg = cmd == F_GETFD || cmd == F_GETFL ? 0 : va_arg(ap, int);
  va_end(ap);
  switch (cmd) {
    case F_GETFD: {
      int32_t flags;
      if (__wvp_ret(__wv_fd_fdflags_get(fd, &flags))) return -1;
      return flags;
    }
    case F_SETFD:
      return __wvp_ret(__wv_fd_fdflags_set(fd, arg));
    case F_GETFL: {
      /* As wasi-libc answers it: status flags, and the access mode from the rights. */
      __wasi_fdstat_t st;
      __wasi_errno_t e = __wasi_fd_fdstat_get((__wasi_fd_t)fd, &st);
      if (e) { errno = e; return -1; }
      int fl = st.fs_flags;
      if (st.fs_rights_base & (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR)) {
        fl |= (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) ? O_RDWR : O_RDONLY;
      } else if (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) {
        fl |= O_WRONLY;
      } else {
        fl |= O_SEARCH;
      }
      return fl;
    }
    case F_SETFL: {
      __wasi_errno_t e = __wasi_fd_fdstat_set_flags((__wasi_fd_t)fd, (__wasi_fdflags_t)(arg & 0xfff));
      if (e) { errno = e; return -1; }
      return 0;
    }
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      if (arg < 0 || arg >= WVP_MAX_FDS) { errno = EINVAL; return -1; }
      int e = __wvp_fd_open(fd);
      if (e) { errno = e; return -1; }
      int to = lowest_free(arg);
      if (to < 0) { errno = EMFILE; return -1; }
      if (__wvp_ret(__wv_dup3(fd, to, cmd == F_DUPFD_CLOEXEC ? WVP_CLOEXEC : 0))) return -1;
      return to;
    }
    default:
      errno = EINVAL;
      return -1;
  }
}

/* wasi-libc's isatty guesses from the fd's WASI type (a character device without
 * seek rights, which /dev/null and wVisor's host streams also are); the kernel
 * knows which fds are ttys. __isatty is the name wasi-libc's stdio asks when it
 * chooses line or full buffering for stdout, so that follows Linux too (defining
 * both keeps wasi-libc's isatty.o out of the link). */
WVP_API int __isatty(int fd) {
  int32_t e = __wv_isatty(fd);
  if (e) { errno = e; return 0; }
  return 1;
}
WVP_API int isatty(int fd) { return __isatty(fd); }
