/* raise() with default actions (in helpers): terminate, ignore, and a handler that returns. */
#include "sig_common.h"

static volatile sig_atomic_t got;
static void h(int s) { got = s; }

int main(int argc, char **argv) {
  if (argc >= 4 && strcmp(argv[2], "raise") == 0) {
    int s = atoi(argv[3]);
    say("raising %d\n", s);
    raise(s);
    say("survived %d\n", s);
    return 0;
  }
  const char *sigs[] = { "15", "10", "17", "28", "2", "14", NULL };
  for (int i = 0; sigs[i]; i++) {
    pid_t c = spawn_self(argv[1], "raise", sigs[i], -1, -1);
    say("  raise(%s): %s\n", sigs[i], W(c, 0));
  }
  signal(SIGTERM, h);
  int r = raise(SIGTERM);
  say("raise with a handler: %d, got %d\n", r, (int)got);
  say("raise bad: %s\n", R(raise(200)));
  return 0;
}
