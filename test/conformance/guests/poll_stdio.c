/*
 * wasi-testsuite poll_oneoff_stdio: poll_oneoff on stdin (FD_READ, with a 200 ms clock) gives
 * at least one event, each a success (stdin ready, or the clock); stdout and stderr (FD_WRITE)
 * are both reported writable, with success, before a 200 ms clock fires. Prints what came back.
 * Takes no scratch directory.
 */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define TIMEOUT 200000000ull
#define CLOCK_ID 0x012345678ull
#define STDIN_ID 0x876543210ull

static const char *type_name(__wasi_eventtype_t t) {
  return t == __WASI_EVENTTYPE_CLOCK ? "CLOCK" : t == __WASI_EVENTTYPE_FD_READ ? "FD_READ"
    : t == __WASI_EVENTTYPE_FD_WRITE ? "FD_WRITE" : "?";
}

static __wasi_subscription_t clock_sub(void) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = CLOCK_ID;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s.u.u.clock.timeout = TIMEOUT;
  return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_eventtype_t tag, __wasi_fd_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = tag;
  if (tag == __WASI_EVENTTYPE_FD_READ) s.u.u.fd_read.file_descriptor = fd;
  else s.u.u.fd_write.file_descriptor = fd;
  return s;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  __wasi_subscription_t in[3];
  __wasi_event_t out[3];
  __wasi_size_t n = 0;

  in[0] = clock_sub();
  in[1] = fd_sub(STDIN_ID, __WASI_EVENTTYPE_FD_READ, 0);
  __wasi_errno_t e = __wasi_poll_oneoff(in, out, 2, &n);
  printf("stdin poll: %d, %s\n", (int)e, n >= 1 ? "at least one event" : "no event");
  for (__wasi_size_t i = 0; e == 0 && i < n; i++) {
    const char *who = out[i].userdata == CLOCK_ID ? "clock" : out[i].userdata == STDIN_ID ? "stdin" : "unknown";
    printf("stdin poll event: %s %s error %d\n", who, type_name(out[i].type), out[i].error);
  }

  /* Until both stdout (userdata 1) and stderr (2) have been reported writable. */
  int pending[3] = { 0, 1, 1 };
  for (int round = 0; round < 4 && (pending[1] || pending[2]); round++) {
    int k = 0;
    for (int fd = 1; fd <= 2; fd++) if (pending[fd]) in[k++] = fd_sub(fd, __WASI_EVENTTYPE_FD_WRITE, fd);
    in[k++] = clock_sub();
    e = __wasi_poll_oneoff(in, out, k, &n);
    if (e != 0) { printf("stdout/stderr poll: %d\n", (int)e); break; }
    for (__wasi_size_t i = 0; i < n; i++) {
      if (out[i].userdata == CLOCK_ID) { printf("stdout/stderr poll: timed out\n"); round = 4; break; }
      int fd = (int)out[i].userdata;
      printf("%s writable: %s error %d, nbytes %s\n", fd == 1 ? "stdout" : "stderr", type_name(out[i].type),
             out[i].error, out[i].fd_readwrite.nbytes > 0 ? "> 0" : "0");
      if (fd == 1 || fd == 2) pending[fd] = 0;
    }
  }
  return 0;
}
