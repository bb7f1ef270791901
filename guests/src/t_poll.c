/* t_poll - @test @desc test (wVisor ABI): poll() on a pipe (readable, writable, hang-up), timeouts, bad fds */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "common.h"
#include "wvisor.h"

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void show(const char *what, int r, const struct pollfd *p, int n) {
  if (r < 0) { printf("%s: %s\n", what, errname(errno)); return; }
  printf("%s: %d ready", what, r);
  for (int i = 0; i < n; i++) {
    printf(" [fd%d%s%s%s%s%s]", i, p[i].revents & POLLIN ? " IN" : "", p[i].revents & POLLOUT ? " OUT" : "",
           p[i].revents & POLLHUP ? " HUP" : "", p[i].revents & POLLERR ? " ERR" : "",
           p[i].revents & POLLNVAL ? " NVAL" : "");
  }
  printf("\n");
}

int main(void) {
  int p[2];
  if (wv_pipe(p) != 0) { printf("pipe: %s\n", errname(errno)); return 1; }
  struct pollfd fds[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };

  int r = poll(fds, 2, 0);
  show("empty pipe, timeout 0", r, fds, 2);

  int64_t t0 = now_ms();
  r = poll(fds, 1, 100);
  int64_t waited = now_ms() - t0;
  show("empty pipe, read end, timeout 100ms", r, fds, 1);
  printf("waited >= 100ms: %s, < 2s: %s\n", waited >= 100 ? "yes" : "no", waited < 2000 ? "yes" : "no");

  write(p[1], "x", 1);
  r = poll(fds, 2, 1000);
  show("one byte buffered", r, fds, 2);

  char c;
  read(p[0], &c, 1);
  close(p[1]);
  r = poll(fds, 1, 1000);
  show("writer closed, empty", r, fds, 1);

  int q[2];
  wv_pipe(q);
  write(q[1], "yz", 2);
  close(q[1]);
  struct pollfd g = { q[0], POLLIN, 0 };
  r = poll(&g, 1, 1000);
  printf("writer closed, data left: %d ready, IN %s\n", r, g.revents & POLLIN ? "yes" : "no");
  close(q[0]);

  int s[2];
  wv_pipe(s);
  close(s[0]);
  struct pollfd w = { s[1], POLLOUT, 0 };
  r = poll(&w, 1, 1000);
  printf("reader closed: %d ready, ERR or HUP %s\n", r, w.revents & (POLLERR | POLLHUP) ? "yes" : "no");
  close(s[1]);

  struct pollfd bad = { 999, POLLIN, 0 };
  r = poll(&bad, 1, 0);
  show("closed fd", r, &bad, 1);

  t0 = now_ms();
  r = poll(NULL, 0, 50);
  waited = now_ms() - t0;
  printf("no fds, timeout 50ms: %d, waited >= 50ms: %s\n", r, waited >= 50 ? "yes" : "no");
  close(p[0]);
  return 0;
}
