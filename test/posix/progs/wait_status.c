/* waitpid and wait: exit codes, signals, WNOHANG, pid selectors, ECHILD for non-children. */
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
extern char **environ;

static pid_t run(char *const argv[]) {
  pid_t pid;
  int e = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
  if (e) { say("spawn %s: %s\n", argv[0], en(e)); return -1; }
  return pid;
}

int main(void) {
  int st;
  say("wait with no children: %s\n", R(wait(&st)));
  say("waitpid(-1) with no children: %s\n", R(waitpid(-1, &st, 0)));
  say("waitpid of the parent: %s\n", R(waitpid(getppid(), &st, 0)));
  say("waitpid of pid 1: %s\n", R(waitpid(1, &st, WNOHANG)));
  say("waitpid bad options: %s\n", R(waitpid(-1, &st, 0x4000)));

  char *t[] = { "true", NULL }, *f[] = { "false", NULL }, *e7[] = { "sh", "-c", "exit 7", NULL };
  char *e255[] = { "sh", "-c", "exit 300", NULL };
  pid_t a = run(t);
  say("true: waited it %s\n", W(a, 0));
  a = run(f);
  say("false: %s\n", W(a, 0));
  a = run(e7);
  say("exit 7: %s\n", W(a, 0));
  a = run(e255);
  say("exit 300: %s\n", W(a, 0));
  say("reaped child again: %s\n", R(waitpid(a, &st, 0)));

  char *sl[] = { "sleep", "30", NULL };
  a = run(sl);
  int before = 12345;
  st = before;
  pid_t w0 = waitpid(a, &st, WNOHANG);
  say("WNOHANG on a running child: %d, status untouched %s\n", w0, st == before ? "yes" : "no");
  kill(a, SIGKILL);
  say("after SIGKILL: %s\n", W(a, 0));

  /* wait() takes any child; waitpid(0) those in our group */
  pid_t x = run(t), y = run(f);
  int got = 0, codes = 0;
  for (int i = 0; i < 2; i++) {
    pid_t w = i ? waitpid(0, &st, 0) : wait(&st);
    if (w == x || w == y) got++;
    codes += WEXITSTATUS(st);
  }
  say("wait + waitpid(0): both reaped %s, exit codes sum %d\n", got == 2 ? "yes" : "no", codes);
  /* waitpid(-pgid): a child in its own group */
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&at, 0);
  posix_spawnp(&a, "false", NULL, &at, f, environ);
  posix_spawnattr_destroy(&at);
  say("waitpid(0) skips a child in another group: %s\n", R(waitpid(0, &st, 0)));
  pid_t w = waitpid(-a, &st, 0);
  say("waitpid(-its group): %d, %s\n", w == a, status_str(st));
  return 0;
}
