/* Shared by the signal test programs: starting this program again as a helper
 * (argv[1] is its own path), with stdout on a given fd, and a handler setter. */
#include <signal.h>
#include <spawn.h>
#include <time.h>
#include <string.h>
#include <unistd.h>
#include "common.h"
extern char **environ;

/* Runs `self self mode [arg]` with its stdout on out_fd (when >= 0) and, with pgid >= 0, in that group (0: its own). */
__attribute__((unused)) static pid_t spawn_self(const char *self, const char *mode, const char *arg, int out_fd, pid_t pgid) {
  char *argv[] = { (char *)self, (char *)self, (char *)mode, (char *)arg, NULL };
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (out_fd >= 0) posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  if (pgid >= 0) {
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&at, pgid);
  }
  pid_t pid;
  int e = posix_spawn(&pid, self, &fa, &at, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  return e ? -1 : pid;
}

/* sigaction(sig, handler, flags, mask of one more signal or 0). */
__attribute__((unused)) static int on(int sig, void (*h)(int), int flags, int also) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  if (also) sigaddset(&sa.sa_mask, also);
  return sigaction(sig, &sa, NULL);
}

/* The blocked mask's members among 1..31, as "2,10" (or "-"). */
__attribute__((unused)) static const char *mask_str(void) {
  static char bufs[4][128];
  static int next;
  char *b = bufs[next++ % 4];
  sigset_t m;
  sigprocmask(SIG_BLOCK, NULL, &m);
  b[0] = 0;
  for (int s = 1; s < 32; s++) {
    if (sigismember(&m, s) == 1) snprintf(b + strlen(b), 128 - strlen(b), "%s%d", b[0] ? "," : "", s);
  }
  if (!b[0]) strcpy(b, "-");
  return b;
}

/* Sleeps ms milliseconds (restarting after handlers). */
__attribute__((unused)) static void nap(long ms) {
  struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep(&t, &t) < 0 && errno == EINTR) {}
}
