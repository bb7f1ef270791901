/* spawntest - @test @desc test (wVisor ABI): spawn, pipelines between children, waitpid (statuses, WNOHANG, ECHILD), kill, process groups */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "common.h"
#include "wvisor.h"

#define WV_SIGKILL 9
#define WV_SIGTERM 15

extern char **environ;

static int spawn(const char *const *argv, int in, int out, int pgid) {
  wv_spawn_fd map[3] = { { 0, in }, { 1, out }, { 2, 2 } };
  wv_spawn_req r;
  uint32_t argc = 0, envc = 0;
  while (argv[argc]) argc++;
  while (environ && environ[envc]) envc++;
  memset(&r, 0, sizeof r);
  r.path = argv[0]; r.path_len = (uint32_t)strlen(argv[0]);
  r.argv = argv; r.argc = argc;
  r.envp = (const char *const *)environ; r.envc = envc;
  r.fds = map; r.nfds = 3; r.pgid = pgid;
  fflush(stdout);
  return wv_spawn(&r);
}

static const char *describe(int st) {
  static char b[64];
  if (WV_WIFEXITED(st)) snprintf(b, sizeof b, "exited %d", WV_WEXITSTATUS(st));
  else if (WV_WIFSIGNALED(st)) snprintf(b, sizeof b, "killed by %s", signame(WV_WTERMSIG(st)));
  else snprintf(b, sizeof b, "status 0x%x", st);
  return b;
}

static void reap(const char *what, int pid) {
  int st = 0, got = wv_waitpid(pid, &st, 0);
  if (got != pid) printf("%s: waitpid %s\n", what, got < 0 ? errname(errno) : "returned another pid");
  else printf("%s: %s\n", what, describe(st));
}

/* Prints a call's result: its value, or -1 and the errno name. */
static void report(const char *what, int r) {
  if (r < 0) printf("%s: -1 %s\n", what, errname(errno));
  else printf("%s: %d\n", what, r);
}

/* Child mode: reports what it sees of its ids, relative to the parent's. */
static int child_ids(const char *parent_pid) {
  int ppid = atoi(parent_pid);
  printf("child: getppid is the parent: %s\n", wv_getppid() == ppid ? "yes" : "no");
  printf("child: own pid differs from parent's: %s\n", wv_getpid() != ppid ? "yes" : "no");
  printf("child: leads its own process group: %s\n", wv_getpgid(0) == wv_getpid() ? "yes" : "no");
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "ids") == 0) return child_ids(argv[2]);
  if (argc == 2 && strcmp(argv[1], "exit") == 0) return 42;

  int me = wv_getpid();
  printf("getpid > 0: %s\n", me > 0 ? "yes" : "no");
  printf("getppid > 0 and differs: %s\n", wv_getppid() > 0 && wv_getppid() != me ? "yes" : "no");

  /* a child sees the parent as its parent; a new process group led by the child */
  char mypid[16];
  snprintf(mypid, sizeof mypid, "%d", me);
  const char *ids[] = { "spawntest", "ids", mypid, NULL };
  int pid = spawn(ids, 0, 1, 0);
  printf("spawn with pgid 0: child pgid is the child pid: %s\n", wv_getpgid(pid) == pid ? "yes" : "no");
  reap("ids child", pid);

  /* exit statuses */
  const char *t[] = { "true", NULL }, *f[] = { "false", NULL }, *e[] = { "spawntest", "exit", NULL };
  reap("true", spawn(t, 0, 1, -1));
  reap("false", spawn(f, 0, 1, -1));
  reap("exit 42", spawn(e, 0, 1, -1));
  const char *nope[] = { "no-such-program", NULL };
  int bad = spawn(nope, 0, 1, -1);
  if (bad < 0) printf("spawn missing program: %s\n", errname(errno));
  else reap("spawn missing program (native: child exits 127)", bad);

  /* a pipeline: echo | cat | wc -c, each stage's output into the next */
  int p1[2], p2[2];
  wv_pipe(p1);
  wv_pipe(p2);
  const char *echo[] = { "echo", "hello", "pipeline", NULL }, *cat[] = { "cat", NULL }, *wc[] = { "wc", "-c", NULL };
  printf("pipeline echo hello pipeline | cat | wc -c:\n");
  int a = spawn(echo, 0, p1[1], -1);
  int b = spawn(cat, p1[0], p2[1], -1);
  int c = spawn(wc, p2[0], 1, -1);
  close(p1[0]); close(p1[1]); close(p2[0]); close(p2[1]);
  reap("echo", a);
  reap("cat", b);
  reap("wc", c);

  /* WNOHANG while the child runs, then a blocking wait */
  const char *sl[] = { "sleep", "0.3", NULL };
  pid = spawn(sl, 0, 1, -1);
  int st = 0;
  int r = wv_waitpid(pid, &st, WV_WNOHANG);
  printf("WNOHANG on a running child: %d\n", r);
  reap("sleep 0.3", pid);
  r = wv_waitpid(pid, &st, WV_WNOHANG);
  report("WNOHANG after reaping", wv_waitpid(pid, &st, WV_WNOHANG));

  /* kill */
  const char *longsleep[] = { "sleep", "30", NULL }, *spin[] = { "spin", NULL };
  pid = spawn(longsleep, 0, 1, -1);
  report("kill SIGTERM", wv_kill(pid, WV_SIGTERM));
  reap("sleep 30 after SIGTERM", pid);
  pid = spawn(spin, 0, 1, -1);
  report("kill SIGKILL", wv_kill(pid, WV_SIGKILL));
  reap("spin after SIGKILL", pid);
  report("kill 0 to a reaped child", wv_kill(pid, 0));
  report("kill invalid signal", wv_kill(me, 999));
  report("kill 0 to self", wv_kill(me, 0));

  /* process groups: two children in one new group, killed together */
  int g1 = spawn(longsleep, 0, 1, 0);
  int g2 = spawn(longsleep, 0, 1, g1);
  printf("second child joined the first's group: %s\n", wv_getpgid(g2) == g1 ? "yes" : "no");
  printf("group differs from ours: %s\n", wv_getpgid(g1) != wv_getpgid(0) ? "yes" : "no");
  /* Linux refuses setpgid on a child that has called execve (a spawned child has). */
  report("setpgid of a spawned child", wv_setpgid(g2, g2));
  printf("child still in the first group: %s\n", wv_getpgid(g2) == g1 ? "yes" : "no");
  report("kill the group", wv_kill(-g1, WV_SIGTERM));
  int seen = 0;
  for (int i = 0; i < 2; i++) {
    int got = wv_waitpid(-1, &st, 0);
    if (got == g1 || got == g2) seen++;
    printf("wait any: %s\n", describe(st));
  }
  printf("both group members reaped: %s\n", seen == 2 ? "yes" : "no");
  report("wait with no children left", wv_waitpid(-1, &st, 0));
  report("setpgid of a reaped child", wv_setpgid(pid, pid));
  report("kill a group that does not exist", wv_kill(-pid, WV_SIGTERM));

  /* A group whose only member has exited but is not yet reaped still exists, as on Linux:
   * a shell spawns a pipeline's next process into the group of one that may have ended. */
  const char *tr[] = { "true", NULL };
  int z = spawn(tr, 0, 1, 0);
  struct timespec ts = { 0, 200 * 1000 * 1000 };
  nanosleep(&ts, NULL);
  const char *ec[] = { "echo", "joined the group of an exited, unreaped process", NULL };
  int j = spawn(ec, 0, 1, z);
  if (j < 0) printf("spawn into a zombie's group: %s\n", errname(errno));
  else {
    /* Reap first, so the echo's line is out before ours whatever the scheduling. */
    int same = wv_getpgid(j) == z;
    reap("echo in the zombie's group", j);
    printf("spawn into a zombie's group: ok, same group: %s\n", same ? "yes" : "no");
  }
  reap("true that led the group", z);
  return 0;
}
