/* kill and killpg of children: SIGTERM, SIGKILL, SIGSTOP/SIGCONT with WUNTRACED/WCONTINUED,
 * a whole group, signal 0, errors. */
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
extern char **environ;

static pid_t sleeper(int own_group, pid_t group) {
  char *argv[] = { "sleep", "30", NULL };
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  if (own_group) {
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&at, group);
  }
  pid_t pid;
  int e = posix_spawnp(&pid, "sleep", NULL, &at, argv, environ);
  posix_spawnattr_destroy(&at);
  return e ? -1 : pid;
}

int main(void) {
  int st;
  pid_t a = sleeper(0, 0);
  say("kill(child, 0): %d\n", kill(a, 0));
  say("kill SIGTERM: %d\n", kill(a, SIGTERM));
  say("  %s\n", W(a, 0));
  say("kill(reaped, 0): %s\n", R(kill(a, 0)));

  a = sleeper(0, 0);
  kill(a, SIGSTOP);
  say("SIGSTOP, WUNTRACED: %s\n", W(a, WUNTRACED));
  kill(a, SIGCONT);
  say("SIGCONT, WCONTINUED: %s\n", W(a, WCONTINUED));
  kill(a, SIGINT);
  say("SIGINT: %s\n", W(a, 0));

  pid_t g = sleeper(1, 0);
  pid_t m = sleeper(1, g);
  say("two in a new group: leader %s, member joined %s\n", getpgid(g) == g ? "yes" : "no", getpgid(m) == g ? "yes" : "no");
  say("killpg SIGKILL: %d\n", killpg(g, SIGKILL));
  pid_t w1 = waitpid(-g, &st, 0);
  const char *s1 = status_str(st);
  say("  first: %s %s\n", w1 == g || w1 == m ? "one of them" : "?", s1);
  pid_t w2 = waitpid(-g, &st, 0);
  say("  second: %s %s\n", (w2 == g || w2 == m) && w2 != w1 ? "the other" : "?", status_str(st));
  say("killpg of the gone group: %s\n", R(killpg(g, SIGTERM)));
  say("killpg(-1): %s\n", R(killpg(-1, SIGTERM)));
  a = sleeper(0, 0);
  say("kill bad signal: %s\n", R(kill(a, 1000)));
  kill(a, SIGHUP);
  say("SIGHUP: %s\n", (waitpid(a, &st, 0), status_str(st)));
  return 0;
}
