/* setpgid/getpgid/getpgrp/setsid/getsid relations, checked in spawned children (whose
 * starting group and session are the same on every system), printed as relations. */
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "common.h"
extern char **environ;

static const char *yesno(int c) { return c ? "yes" : "no"; }

static int child(const char *mode) {
  pid_t me = getpid(), ppid = getppid();
  pid_t pg0 = getpgrp(), sid0 = getsid(0);
  say("[%s] getpgrp == getpgid(0): %s, getsid(0) == getsid(me): %s, in parent's group: %s\n", mode,
      yesno(pg0 == getpgid(0)), yesno(sid0 == getsid(me)), yesno(pg0 == getpgid(ppid)));
  if (strcmp(mode, "group") == 0) {
    int r = setpgid(0, 0);
    say("[group] setpgid(0, 0): %d; leads its group: %s; same session: %s\n", r, yesno(getpgrp() == me),
        yesno(getsid(0) == sid0));
    say("[group] setsid as a group leader: %s\n", R((int)setsid()));
    r = setpgid(0, pg0);
    say("[group] back to the parent's group: %d; in it: %s\n", r, yesno(getpgrp() == pg0));
    say("[group] setpgid to a group that does not exist: %s\n", R(setpgid(0, 0x7ffffff0)));
    say("[group] setpgid(0, -1): %s\n", R(setpgid(0, -1)));
  } else if (strcmp(mode, "session") == 0) {
    pid_t s = setsid();
    say("[session] setsid returns own pid: %s; sid == pid: %s; pgid == pid: %s; parent's session differs: %s\n",
        yesno(s == me), yesno(getsid(0) == me), yesno(getpgrp() == me), yesno(getsid(ppid) != me));
    say("[session] setsid again: %s\n", R((int)setsid()));
    say("[session] setpgid(0, 0) as session leader: %s\n", R(setpgid(0, 0)));
    say("[session] join the parent's group (other session): %s\n", R(setpgid(0, pg0)));
    say("[session] tcgetpgrp(0) without a terminal: %s\n", R((int)tcgetpgrp(0)));
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 4 && strcmp(argv[2], "child") == 0) return child(argv[3]);
  const char *self = argv[1];
  int st;
  char *modes[] = { "group", "session" };
  for (int i = 0; i < 2; i++) {
    char *cargv[] = { (char *)self, (char *)self, "child", modes[i], NULL };
    pid_t pid;
    int e = posix_spawn(&pid, self, NULL, NULL, cargv, environ);
    waitpid(pid, &st, 0);
    say("%s child: spawn %s, %s\n", modes[i], en(e), status_str(st));
  }
  say("getpgid of a pid that does not exist: %s\n", R((int)getpgid(0x7ffffff0)));
  say("getsid of a pid that does not exist: %s\n", R((int)getsid(0x7ffffff0)));
  /* the parent may not move a child that has exec'd (posix_spawn's children all have) */
  char *sl[] = { "sleep", "30", NULL };
  pid_t c;
  posix_spawnp(&c, "sleep", NULL, NULL, sl, environ);
  say("setpgid(child, child) after its exec: %s\n", R(setpgid(c, c)));
  say("setpgid of a non-child: %s\n", R(setpgid(getppid(), getppid())));
  kill(c, SIGKILL);
  waitpid(c, &st, 0);
  return 0;
}
