/* SA_RESETHAND: the first signal runs the handler and resets the action; the second takes the default. */
#include "sig_common.h"

static volatile sig_atomic_t n;
static void h(int s) { (void)s; n++; }

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[2], "twice") == 0) {
    on(SIGUSR1, h, SA_RESETHAND, 0);
    raise(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    say("after one: handled %d, action now %s\n", (int)n, now.sa_handler == SIG_DFL ? "SIG_DFL" : "?");
    raise(SIGUSR1);
    say("not reached\n");
    return 0;
  }
  if (argc >= 3 && strcmp(argv[2], "inside") == 0) {
    on(SIGUSR2, h, SA_RESETHAND | SA_NODEFER, 0);
    raise(SIGUSR2);
    return 0;
  }
  pid_t c = spawn_self(argv[1], "twice", NULL, -1, -1);
  say("twice: %s\n", W(c, 0));
  c = spawn_self(argv[1], "inside", NULL, -1, -1);
  say("inside: %s\n", W(c, 0));
  return 0;
}
