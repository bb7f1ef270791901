/* kill to a process group (kill(-pgid), killpg) whose members catch the signal. */
#include "sig_common.h"

static void leave(int s) { _exit(s == SIGUSR1 ? 3 : 4); }

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[2], "member") == 0) {
    signal(SIGUSR1, leave);
    signal(SIGUSR2, leave);
    write(1, "r", 1);
    for (;;) pause();
  }
  int p[2];
  pipe(p);
  pid_t a = spawn_self(argv[1], "member", NULL, p[1], 0);
  pid_t b = spawn_self(argv[1], "member", NULL, p[1], a);
  char r[2];
  read(p[0], r, 1);
  read(p[0], r + 1, 1);
  say("kill(-group, USR1): %d\n", kill(-a, SIGUSR1));
  say("  a: %s\n", W(a, 0));
  say("  b: %s\n", W(b, 0));
  a = spawn_self(argv[1], "member", NULL, p[1], 0);
  b = spawn_self(argv[1], "member", NULL, p[1], a);
  read(p[0], r, 1);
  read(p[0], r + 1, 1);
  say("killpg(group, USR2): %d\n", killpg(a, SIGUSR2));
  say("  a: %s\n", W(a, 0));
  say("  b: %s\n", W(b, 0));
  say("kill of the gone group: %s\n", R(kill(-a, SIGUSR1)));
  return 0;
}
