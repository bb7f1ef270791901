/* sigsuspend: wait with a signal unblocked that is blocked otherwise; -1 EINTR after the handler,
 * the old mask back; a signal pending before the call ends it at once. */
#include "sig_common.h"

static volatile sig_atomic_t got;
static char in_handler[64];
static void h(int s) { got = s; snprintf(in_handler, sizeof in_handler, "%s", mask_str()); }

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[2], "poke") == 0) {
    nap(150);
    kill(getppid(), SIGUSR1);
    return 0;
  }
  on(SIGUSR1, h, 0, 0);
  sigset_t b, none;
  sigemptyset(&b);
  sigaddset(&b, SIGUSR1);
  sigprocmask(SIG_BLOCK, &b, NULL);
  pid_t c = spawn_self(argv[1], "poke", NULL, -1, -1);
  sigemptyset(&none);
  sigaddset(&none, SIGHUP);
  errno = 0;
  int r = sigsuspend(&none);
  say("sigsuspend: %s, got %d, mask in handler %s, after %s\n", res_str(r, errno), (int)got, in_handler, mask_str());
  say("child: %s\n", W(c, 0));
  got = 0;
  raise(SIGUSR1);
  say("pending before: got %d\n", (int)got);
  sigemptyset(&none);
  errno = 0;
  r = sigsuspend(&none);
  say("sigsuspend: %s, got %d, after %s\n", res_str(r, errno), (int)got, mask_str());
  return 0;
}
