/* abort() with a SIGABRT handler: the handler runs, and when it returns the process still dies of SIGABRT. */
#include "sig_common.h"

static void h(int s) { say("handler for %d\n", s); }

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[2], "abort") == 0) {
    signal(SIGABRT, h);
    abort();
  }
  pid_t c = spawn_self(argv[1], "abort", NULL, -1, -1);
  say("abort: %s\n", W(c, 0));
  return 0;
}
