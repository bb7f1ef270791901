/* sigprocmask and sigpending: blocked signals wait, coalesce, are discarded when set to SIG_IGN,
 * and are delivered when unblocked; SIGKILL and SIGSTOP drop out of masks. */
#include "sig_common.h"

static volatile sig_atomic_t n;
static void h(int s) { (void)s; n++; }

static const char *pend(void) {
  static char b[128];
  sigset_t p;
  sigemptyset(&p);
  sigpending(&p);
  b[0] = 0;
  for (int s = 1; s < 32; s++) if (sigismember(&p, s) == 1) snprintf(b + strlen(b), sizeof b - strlen(b), "%s%d", b[0] ? "," : "", s);
  return b[0] ? b : "-";
}

int main(void) {
  on(SIGUSR1, h, 0, 0);
  on(SIGUSR2, h, 0, 0);
  sigset_t s, old;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  sigaddset(&s, SIGUSR2);
  sigaddset(&s, SIGKILL);
  sigaddset(&s, SIGSTOP);
  sigprocmask(SIG_BLOCK, &s, &old);
  say("old mask: %s, now: %s\n", sigismember(&old, SIGUSR1) ? "USR1" : "-", mask_str());
  raise(SIGUSR1);
  raise(SIGUSR1);
  raise(SIGUSR2);
  say("pending: %s, handled %d\n", pend(), (int)n);
  signal(SIGUSR2, SIG_IGN);
  say("USR2 ignored: pending %s\n", pend());
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  sigprocmask(SIG_UNBLOCK, &s, NULL);
  say("unblocked USR1: handled %d (coalesced), pending %s, mask %s\n", (int)n, pend(), mask_str());
  sigemptyset(&s);
  sigaddset(&s, SIGTERM);
  sigprocmask(SIG_SETMASK, &s, NULL);
  raise(SIGTERM);
  say("SETMASK TERM: mask %s, pending %s\n", mask_str(), pend());
  say("bad how: %s\n", R(sigprocmask(99, &s, NULL)));
  signal(SIGTERM, SIG_IGN);
  say("TERM ignored while pending: %s\n", pend());
  sigprocmask(SIG_SETMASK, &old, NULL);
  say("restored: %s\n", mask_str());
  return 0;
}
