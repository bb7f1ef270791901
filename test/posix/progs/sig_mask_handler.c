/* The mask inside a handler: the signal itself and sa_mask are blocked, SA_NODEFER leaves the signal
 * open, the old mask comes back after; a signal raised inside its own handler waits for it to return. */
#include "sig_common.h"

static char seen[256];
static volatile int depth, inner, raised;
static void h(int s) {
  depth++;
  snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "[%d in handler: %s]", s, mask_str());
  if (depth == 1 && !raised) {
    raised = 1;
    raise(s);
    snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "[after raise inside: depth %d]", inner);
  }
  inner = depth;
  depth--;
}

int main(void) {
  on(SIGUSR1, h, 0, SIGINT);
  say("before: %s\n", mask_str());
  raise(SIGUSR1);
  say("USR1: %s\n", seen);
  say("after: %s\n", mask_str());
  seen[0] = 0;
  raised = 0;
  on(SIGUSR2, h, SA_NODEFER, 0);
  raise(SIGUSR2);
  say("USR2 with SA_NODEFER: %s\n", seen);
  seen[0] = 0;
  raised = 0;
  sigset_t b;
  sigemptyset(&b);
  sigaddset(&b, SIGHUP);
  sigprocmask(SIG_BLOCK, &b, NULL);
  raise(SIGUSR1);
  say("USR1 with HUP blocked: %s\n", seen);
  say("after: %s\n", mask_str());
  return 0;
}
