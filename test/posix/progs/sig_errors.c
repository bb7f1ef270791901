/* What sigaction and the sigset functions refuse: SIGKILL and SIGSTOP cannot be caught or ignored,
 * bad numbers; querying works for every signal. */
#include "sig_common.h"

static void h(int s) { (void)s; }

int main(void) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  say("catch SIGKILL: %s\n", R(sigaction(SIGKILL, &sa, NULL)));
  say("catch SIGSTOP: %s\n", R(sigaction(SIGSTOP, &sa, NULL)));
  sa.sa_handler = SIG_IGN;
  say("ignore SIGKILL: %s\n", R(sigaction(SIGKILL, &sa, NULL)));
  say("signal(SIGSTOP, SIG_IGN) fails: %s\n", signal(SIGSTOP, SIG_IGN) == SIG_ERR ? "yes" : "no");
  say("query SIGKILL: %s, default %s\n", R(sigaction(SIGKILL, NULL, &old)), old.sa_handler == SIG_DFL ? "yes" : "no");
  say("signal 0: %s\n", R(sigaction(0, &sa, NULL)));
  say("signal 65: %s\n", R(sigaction(65, &sa, NULL)));
  sigset_t s;
  sigemptyset(&s);
  say("sigaddset 0: %s\n", R(sigaddset(&s, 0)));
  say("sigaddset 65: %s\n", R(sigaddset(&s, 65)));
  say("sigismember 65: %s\n", R(sigismember(&s, 65)));
  sigaddset(&s, SIGRTMIN);
  sigaddset(&s, SIGRTMAX);
  say("RT members: %d %d, USR1 %d\n", sigismember(&s, SIGRTMIN), sigismember(&s, SIGRTMAX), sigismember(&s, SIGUSR1));
  sigfillset(&s);
  sigprocmask(SIG_SETMASK, &s, NULL);
  sigset_t now;
  sigprocmask(SIG_SETMASK, NULL, &now);
  say("fill: KILL %d STOP %d USR1 %d RTMAX %d\n", sigismember(&now, SIGKILL), sigismember(&now, SIGSTOP),
      sigismember(&now, SIGUSR1), sigismember(&now, SIGRTMAX));
  sa.sa_handler = h;
  sa.sa_flags = SA_RESTART | SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGUSR1, NULL, &old);
  say("flags kept: %s\n", (old.sa_flags & (SA_RESTART | SA_SIGINFO)) == (SA_RESTART | SA_SIGINFO) ? "yes" : "no");
  return 0;
}
