/* A SIGCHLD handler with SA_SIGINFO: who exited and how, then wait() reaps it. */
#include "sig_common.h"

static volatile sig_atomic_t calls, code, status, from;
static void h(int s, siginfo_t *si, void *ctx) {
  (void)ctx;
  if (s != SIGCHLD) return;
  calls++;
  code = si->si_code;
  status = si->si_status;
  from = si->si_pid;
}

int main(int argc, char **argv) {
  if (argc >= 4 && strcmp(argv[2], "exit") == 0) return atoi(argv[3]);
  if (argc >= 3 && strcmp(argv[2], "hang") == 0) { for (;;) pause(); }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = h;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGCHLD, &sa, NULL);
  pid_t c = spawn_self(argv[1], "exit", "7", -1, -1);
  while (calls == 0) nap(10);
  say("SIGCHLD: calls %d, code %s, status %d, from the child %s\n", (int)calls,
      code == CLD_EXITED ? "CLD_EXITED" : "?", (int)status, from == c ? "yes" : "no");
  say("wait: %s\n", W(c, 0));
  calls = 0;
  c = spawn_self(argv[1], "hang", NULL, -1, -1);
  nap(100);
  kill(c, SIGTERM);
  while (calls == 0) nap(10);
  say("killed: code %s, status %d\n", code == CLD_KILLED ? "CLD_KILLED" : "?", (int)status);
  say("wait: %s\n", W(c, 0));
  return 0;
}
