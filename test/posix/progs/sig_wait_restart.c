/* waitpid interrupted by a caught signal: restarted under SA_RESTART, EINTR without it. */
#include "sig_common.h"

static volatile sig_atomic_t got;
static void h(int s) { (void)s; got++; }

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[2], "poke") == 0) {
    nap(150);
    kill(getppid(), SIGUSR1);
    nap(150);
    return 9;
  }
  int flags[] = { SA_RESTART, 0 };
  for (int i = 0; i < 2; i++) {
    got = 0;
    on(SIGUSR1, h, flags[i], 0);
    pid_t c = spawn_self(argv[1], "poke", NULL, -1, -1);
    int st = 0;
    errno = 0;
    pid_t w = waitpid(c, &st, 0);
    say("%s: waitpid %s, handler %d\n", flags[i] ? "SA_RESTART" : "no SA_RESTART",
        w == c ? status_str(st) : res_str(w, errno), (int)got);
    if (w != c) say("  again: %s\n", W(c, 0));
  }
  return 0;
}
