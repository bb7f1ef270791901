/* pipe, pipe2, dup, dup2, dup3, close, fcntl and isatty over wvisor_v1 and WASI. */
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>
#include <wasi/api.h>
#include "internal.h"

unsigned char __wvp_fd_state[WVP_MAX_FDS];

void __wvp_fd_reset(int fd) {
  if (fd >= 0 && fd < WVP_MAX_FDS) __wvp_fd_state[fd] = WVP_FD_DEFAULT;
}

int __wvp_fd_inherited(int fd) {
  int s = fd >= 0 && fd < WVP_MAX_FDS ? __wvp_fd_state[fd] : WVP_FD_DEFAULT;
  if (s == WVP_FD_CLOEXEC) return 0;
  if (s == WVP_FD_KEEP) return 1;
  return fd >= 0 && fd <= 2;
}

int __wvp_fd_open(int fd) {
  __wasi_fdstat_t st;
  if (fd < 0) return EBADF;
  return __wasi_fd_fdstat_get((__wasi_fd_t)fd, &st) == 0 ? 0 : EBADF;
}

WVP_API int pipe(int fds[2]) {
  int32_t f[2];
  if (__wvp_ret(__wv_pipe(f))) return -1;
  __wvp_fd_reset(f[0]);
  __wvp_fd_reset(f[1]);
  fds[0] = f[0];
  fds[1] = f[1];
  return 0;
}

WVP_API int pipe2(int fds[2], int flags) {
  int f[2];
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) { errno = EINVAL; return -1; }
  if (pipe(f) < 0) return -1;
  if (flags & O_NONBLOCK) {
    for (int i = 0; i < 2; i++) {
      __wasi_errno_t e = __wasi_fd_fdstat_set_flags((__wasi_fd_t)f[i], __WASI_FDFLAGS_NONBLOCK);
      if (e) {
        close(f[0]);
        close(f[1]);
        errno = e;
        return -1;
      }
    }
  }
  fds[0] = f[0];
  fds[1] = f[1];
  return 0;
}

WVP_API int dup(int fd) {
  int32_t n;
  if (__wvp_ret(__wv_dup(fd, &n))) return -1;
  __wvp_fd_reset(n);
  return n;
}

WVP_API int dup2(int fd, int to) {
  if (fd == to) {
    int e = __wvp_fd_open(fd);
    if (e) { errno = e; return -1; }
    return to;
  }
  if (__wvp_ret(__wv_dup2(fd, to))) return -1;
  __wvp_fd_reset(to);
  return to;
}

WVP_API int dup3(int fd, int to, int flags) {
  /* O_CLOEXEC is 0 under wasi-libc, so the only flags value there is 0. */
  if (fd == to || flags & ~O_CLOEXEC) { errno = EINVAL; return -1; }
  return dup2(fd, to);
}

WVP_API int close(int fd) {
  __wasi_errno_t e = __wasi_fd_close((__wasi_fd_t)fd);
  if (e) { errno = e; return -1; }
  __wvp_fd_reset(fd);
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
      int e = __wvp_fd_open(fd);
      if (e) { errno = e; return -1; }
      return __wvp_fd_inherited(fd) ? 0 : FD_CLOEXEC;
    }
    case F_SETFD: {
      int e = __wvp_fd_open(fd);
      if (e) { errno = e; return -1; }
      if (fd < WVP_MAX_FDS) __wvp_fd_state[fd] = (arg & FD_CLOEXEC) ? WVP_FD_CLOEXEC : WVP_FD_KEEP;
      return 0;
    }
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
      if (__wvp_ret(__wv_dup2(fd, to))) return -1;
      __wvp_fd_state[to] = cmd == F_DUPFD_CLOEXEC ? WVP_FD_CLOEXEC : WVP_FD_DEFAULT;
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
