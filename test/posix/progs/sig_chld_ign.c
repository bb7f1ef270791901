/* SIGCHLD set to SIG_IGN, and SA_NOCLDWAIT: exited children are reaped at once; wait() then fails ECHILD. */
#include "sig_common.h"

static volatile sig_atomic_t calls;
static void h(int s) { (void)s; calls++; }

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[2], "quick") == 0) return 3;
  signal(SIGCHLD, SIG_IGN);
  pid_t a = spawn_self(argv[1], "quick", NULL, -1, -1);
  pid_t b = spawn_self(argv[1], "quick", NULL, -1, -1);
  int st;
  errno = 0;
  pid_t w = waitpid(-1, &st, 0);
  say("SIG_IGN: waitpid(-1) %s\n", res_str(w, errno));
  say("waitpid(a) %s, waitpid(b) %s\n", R(waitpid(a, &st, WNOHANG)), R(waitpid(b, &st, WNOHANG)));
  signal(SIGCHLD, SIG_DFL);
  on(SIGCHLD, h, SA_NOCLDWAIT | SA_RESTART, 0);
  a = spawn_self(argv[1], "quick", NULL, -1, -1);
  errno = 0;
  w = waitpid(-1, &st, 0);
  say("SA_NOCLDWAIT: waitpid(-1) %s\n", res_str(w, errno));
  while (calls == 0) nap(10);
  say("handler still ran: %d\n", (int)calls);
  signal(SIGCHLD, SIG_DFL);
  a = spawn_self(argv[1], "quick", NULL, -1, -1);
  say("default again: %s\n", W(a, 0));
  return 0;
}
