/* posix_spawn attributes POSIX_SPAWN_SETPGROUP and POSIX_SPAWN_SETSID: the child reports
 * its group and session relative to its own pid and to its parent's (never the ids). */
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
extern char **environ;

static int child(char **argv) {
  /* argv[3]: the parent's pgid, argv[4]: its sid, argv[5]: a group to compare with ("-") */
  pid_t me = getpid(), pg = getpgrp(), sid = getsid(0);
  pid_t ppg = (pid_t)atoi(argv[3]), psid = (pid_t)atoi(argv[4]);
  say("  child: leads its group %s, in parent's group %s, leads a session %s, in parent's session %s",
      pg == me ? "yes" : "no", pg == ppg ? "yes" : "no", sid == me ? "yes" : "no", sid == psid ? "yes" : "no");
  if (strcmp(argv[5], "-") != 0) say(", in the given group %s", pg == (pid_t)atoi(argv[5]) ? "yes" : "no");
  say("\n");
  return 0;
}

static pid_t spawn_to(const char *self, short flags, pid_t pgroup, const char *cmp, int *err, int out) {
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  int e = posix_spawnattr_setflags(&at, flags);
  if (e == 0 && (flags & POSIX_SPAWN_SETPGROUP)) e = posix_spawnattr_setpgroup(&at, pgroup);
  char pg[16], sid[16];
  snprintf(pg, sizeof pg, "%d", (int)getpgrp());
  snprintf(sid, sizeof sid, "%d", (int)getsid(0));
  char *argv[] = { (char *)self, (char *)self, "child", pg, sid, (char *)cmp, NULL };
  pid_t pid = -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (out >= 0) {
    posix_spawn_file_actions_adddup2(&fa, out, 1);
    posix_spawn_file_actions_addclose(&fa, out);
  }
  if (e == 0) e = posix_spawn(&pid, self, &fa, &at, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  *err = e;
  return e ? -1 : pid;
}

static pid_t spawn(const char *self, short flags, pid_t pgroup, const char *cmp, int *err) {
  return spawn_to(self, flags, pgroup, cmp, err, -1);
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[2], "child") == 0) return child(argv);
  const char *self = argv[1];
  int e, st;
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  short fl = -1;
  pid_t g = -1;
  posix_spawnattr_getflags(&at, &fl);
  posix_spawnattr_getpgroup(&at, &g);
  say("default attributes: flags %d, pgroup %d\n", fl, (int)g);
  say("setflags(0x4000): %s\n", en(posix_spawnattr_setflags(&at, 0x4000)));
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSID);
  posix_spawnattr_getflags(&at, &fl);
  say("flags read back: %s\n", fl == (POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSID) ? "same" : "different");
  posix_spawnattr_destroy(&at);

  say("no attributes:\n");
  pid_t a = spawn(self, 0, 0, "-", &e);
  waitpid(a, &st, 0);

  say("SETPGROUP 0 (a new group):\n");
  /* its report comes through a pipe, read to EOF: it has exited, not yet reaped, so its
   * group still exists for the next child to join */
  int p[2];
  pipe(p);
  a = spawn_to(self, POSIX_SPAWN_SETPGROUP, 0, "-", &e, p[1]);
  close(p[1]);
  say("  parent sees the child lead its group: %s\n", getpgid(a) == a ? "yes" : "no");
  char buf[512];
  size_t n = 0;
  ssize_t r;
  while ((r = read(p[0], buf + n, sizeof buf - 1 - n)) > 0) n += (size_t)r;
  buf[n] = 0;
  close(p[0]);
  say("%s", buf);
  char leader[16];
  snprintf(leader, sizeof leader, "%d", (int)a);
  say("SETPGROUP to that group:\n");
  pid_t b = spawn(self, POSIX_SPAWN_SETPGROUP, a, leader, &e);
  waitpid(b, &st, 0);
  say("  %s\n", status_str(st));
  waitpid(a, &st, 0);

  say("SETSID:\n");
  a = spawn(self, POSIX_SPAWN_SETSID, 0, "-", &e);
  /* Asked while the child lives (or is a zombie), said after it ended, so its own line comes first on both systems. */
  int new_session = getsid(a) == a;
  waitpid(a, &st, 0);
  say("  spawn %s; parent sees a new session: %s\n", en(e), new_session ? "yes" : "no");

  a = spawn(self, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETPGROUP, 0, "-", &e);
  say("SETSID and SETPGROUP: %s\n", en(e));
  a = spawn(self, POSIX_SPAWN_SETPGROUP, 0x7ffffff0, "-", &e);
  say("SETPGROUP to a group that does not exist: %s\n", en(e));
  say("no children left: %s\n", waitpid(-1, &st, WNOHANG) < 0 ? en(errno) : "child!");
  return 0;
}
