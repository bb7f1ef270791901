/* A read of an empty pipe interrupted by a signal: restarted under SA_RESTART, EINTR without it;
 * a signal arriving after part of a transfer leaves the count. */
#include "sig_common.h"

static volatile sig_atomic_t got;
static void h(int s) { (void)s; got++; }

/* helper: sleep, signal the parent, sleep, write one byte */
static int helper(const char *arg) {
  nap(150);
  kill(getppid(), SIGUSR1);
  nap(150);
  if (strcmp(arg, "write") == 0) write(1, "x", 1);
  return 0;
}

static void trial(const char *self, int flags, const char *what) {
  int p[2];
  pipe(p);
  got = 0;
  on(SIGUSR1, h, flags, 0);
  pid_t c = spawn_self(self, "helper", "write", p[1], -1);
  close(p[1]);
  char buf[8];
  errno = 0;
  ssize_t n = read(p[0], buf, sizeof buf);
  int e = errno;
  say("%s: read %s, handler ran %d\n", what, res_str(n, e), (int)got);
  if (n < 0) {
    n = read(p[0], buf, sizeof buf);
    say("  read again: %ld\n", (long)n);
  }
  close(p[0]);
  say("  child: %s\n", W(c, 0));
}

int main(int argc, char **argv) {
  if (argc >= 4 && strcmp(argv[2], "helper") == 0) return helper(argv[3]);
  trial(argv[1], SA_RESTART, "SA_RESTART");
  trial(argv[1], 0, "no SA_RESTART");
  signal(SIGUSR1, h);
  int p[2];
  pipe(p);
  got = 0;
  pid_t c = spawn_self(argv[1], "helper", "write", p[1], -1);
  close(p[1]);
  char buf[8];
  ssize_t n = read(p[0], buf, sizeof buf);
  say("signal() restarts: read %ld, handler ran %d\n", (long)n, (int)got);
  close(p[0]);
  say("  child: %s\n", W(c, 0));
  return 0;
}
