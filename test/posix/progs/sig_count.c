/* Handler counts: raise and kill to oneself, signal()'s previous handler, SIG_IGN, SIG_DFL. */
#include "sig_common.h"

static volatile sig_atomic_t n1, n2;
static void h1(int s) { if (s == SIGUSR1) n1++; }
static void h2(int s) { if (s == SIGUSR2) n2++; }

int main(void) {
  say("signal first: %s\n", signal(SIGUSR1, h1) == SIG_DFL ? "SIG_DFL" : "?");
  for (int i = 0; i < 10; i++) raise(SIGUSR1);
  say("after 10 raises: %d\n", (int)n1);
  for (int i = 0; i < 3; i++) kill(getpid(), SIGUSR1);
  say("after 3 kills: %d\n", (int)n1);
  say("signal again: %s\n", signal(SIGUSR1, h2) == h1 ? "h1" : "?");
  raise(SIGUSR1);
  say("h2 got USR1: n1 %d n2 %d\n", (int)n1, (int)n2);
  signal(SIGUSR2, h2);
  raise(SIGUSR2);
  say("USR2: n2 %d\n", (int)n2);
  say("ignore: %s\n", signal(SIGUSR2, SIG_IGN) == h2 ? "was h2" : "?");
  raise(SIGUSR2);
  say("ignored USR2: n2 %d\n", (int)n2);
  say("default: %s\n", signal(SIGUSR2, SIG_DFL) == SIG_IGN ? "was SIG_IGN" : "?");
  signal(SIGCHLD, h1);
  return 0;
}
