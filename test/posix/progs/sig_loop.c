/* A handler interrupting a loop that makes no calls: alarm's SIGALRM ends a spin on a flag. */
#include "sig_common.h"

static volatile sig_atomic_t stop;
static void h(int s) { (void)s; stop = 1; }

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[2], "spin") == 0) {
    signal(SIGUSR1, h);
    write(1, "r", 1);
    volatile unsigned long spins = 0;
    while (!stop) spins++;
    say("helper stopped by its handler\n");
    return 5;
  }
  signal(SIGALRM, h);
  alarm(1);
  volatile unsigned long spins = 0;
  while (!stop) spins++;
  say("spin ended by SIGALRM: %s\n", spins > 0 ? "yes" : "no");
  int p[2];
  pipe(p);
  pid_t c = spawn_self(argv[1], "spin", NULL, p[1], -1);
  close(p[1]);
  char b;
  read(p[0], &b, 1);
  nap(100);
  kill(c, SIGUSR1);
  say("helper: %s\n", W(c, 0));
  return 0;
}
