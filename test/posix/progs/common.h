/* Shared by the POSIX test programs: errno as a name (WASI and Linux number
 * errno differently and word strerror differently), and a flushed printf so
 * output order does not depend on the libc's stdout buffering (glibc buffers a
 * pipe fully from the start, musl/wasi-libc flushes the first line). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

__attribute__((unused)) static const char *en(int e) {
  switch (e) {
    case 0: return "0";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EINTR: return "EINTR";
    case EAGAIN: return "EAGAIN";
    case EACCES: return "EACCES";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENOTTY: return "ENOTTY";
    case ENOEXEC: return "ENOEXEC";
    case ENOSYS: return "ENOSYS";
    default: return "E?";
  }
}

__attribute__((unused)) static void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  fflush(stdout);
}

/* "exit N", "signal N", "stopped N", "continued" */
__attribute__((unused)) static const char *status_str(int st) {
  static char bufs[8][32];
  static int next;
  char *buf = bufs[next++ % 8];
  if (WIFEXITED(st)) snprintf(buf, 32, "exit %d", WEXITSTATUS(st));
  else if (WIFSIGNALED(st)) snprintf(buf, 32, "signal %d", WTERMSIG(st));
  else if (WIFSTOPPED(st)) snprintf(buf, 32, "stopped %d", WSTOPSIG(st));
  else if (WIFCONTINUED(st)) snprintf(buf, 32, "continued");
  else snprintf(buf, 32, "status %#x", st);
  return buf;
}

/* A call's result and, when it failed, errno's name: "0", "-1 EBADF". (C leaves the order of
 * a call's arguments unspecified; gcc and clang differ, so each result is taken with its errno.) */
__attribute__((unused)) static const char *res_str(long r, int e) {
  static char bufs[8][48];
  static int next;
  char *b = bufs[next++ % 8];
  if (r < 0) snprintf(b, 48, "%ld %s", r, en(e));
  else snprintf(b, 48, "%ld", r);
  return b;
}
#define R(x) ({ errno = 0; long r_ = (long)(x); res_str(r_, errno); })

/* waitpid(pid, &st, opts): "1, STATUS" when it returned pid, else "0, -1 ERRNO" / "0, RESULT". */
#define W(pid, opts) ({ \
    int st_ = 0; \
    pid_t p_ = (pid); \
    errno = 0; \
    pid_t w_ = waitpid(p_, &st_, (opts)); \
    static char wb_[64]; \
    if (w_ == p_) snprintf(wb_, sizeof wb_, "1, %s", status_str(st_)); \
    else snprintf(wb_, sizeof wb_, "0, %s", res_str(w_, errno)); \
    (const char *)wb_; \
  })
