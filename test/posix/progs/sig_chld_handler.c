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

static volatile sig_atomic_t ucode, ufrom, ucode_set;
static void u(int s, siginfo_t *si, void *ctx) {
  (void)s;
  (void)ctx;
  ucode = si->si_code;
  ufrom = si->si_pid;
  ucode_set = 1;
}

int main(int argc, char **argv) {
  if (argc >= 4 && strcmp(argv[2], "exit") == 0) return atoi(argv[3]);
  if (argc >= 3 && strcmp(argv[2], "hang") == 0) { for (;;) pause(); }
  if (argc >= 3 && strcmp(argv[2], "usr1") == 0) { kill(getppid(), SIGUSR1); return 0; }
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
  struct sigaction su;
  memset(&su, 0, sizeof su);
  su.sa_sigaction = u;
  su.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &su, NULL);
  c = spawn_self(argv[1], "usr1", NULL, -1, -1);
  while (!ucode_set) nap(10);
  say("SIGUSR1 from the child: code %s, from the child %s\n", ucode == SI_USER ? "SI_USER" : "?", ufrom == c ? "yes" : "no");
  say("wait: %s\n", W(c, 0));
  return 0;
}
