/* Pipes between spawned children: echo | cat | wc -c, the parent holding no pipe end. */
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
extern char **environ;

int main(void) {
  char *cmds[][4] = { { "echo", "one", "two", NULL }, { "cat", NULL }, { "wc", "-c", NULL } };
  int n = 3, prev = -1;
  pid_t pids[3];
  int out[2];
  pipe(out);
  for (int i = 0; i < n; i++) {
    int p[2] = { -1, -1 };
    if (i < n - 1) pipe(p);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (prev >= 0) posix_spawn_file_actions_adddup2(&fa, prev, 0);
    posix_spawn_file_actions_adddup2(&fa, i < n - 1 ? p[1] : out[1], 1);
    /* the children hold no other pipe end (on Linux they would inherit them) */
    if (prev >= 0) posix_spawn_file_actions_addclose(&fa, prev);
    if (i < n - 1) { posix_spawn_file_actions_addclose(&fa, p[0]); posix_spawn_file_actions_addclose(&fa, p[1]); }
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addclose(&fa, out[1]);
    int e = posix_spawnp(&pids[i], cmds[i][0], &fa, NULL, cmds[i], environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e) say("spawn %s: %s\n", cmds[i][0], en(e));
    if (prev >= 0) close(prev);
    if (i < n - 1) { close(p[1]); prev = p[0]; }
  }
  close(out[1]);
  char buf[64];
  ssize_t r = read(out[0], buf, sizeof buf - 1);
  buf[r > 0 ? r : 0] = 0;
  /* wc pads its count when it reads stdin on some systems; print the number */
  say("pipeline printed: %d\n", atoi(buf));
  for (int i = 0; i < n; i++) {
    int st;
    pid_t w = waitpid(pids[i], &st, 0);
    say("%s: waited %s, %s\n", cmds[i][0], w == pids[i] ? "it" : "other", status_str(st));
  }
  /* a reader that exits early: the writer gets EPIPE/SIGPIPE */
  int p[2];
  pipe(p);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  posix_spawn_file_actions_addclose(&fa, p[0]); /* else yes holds a reader itself (Linux) */
  posix_spawn_file_actions_addclose(&fa, p[1]);
  char *yes[] = { "yes", NULL };
  pid_t y;
  posix_spawnp(&y, "yes", &fa, NULL, yes, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(p[1]);
  r = read(p[0], buf, 4);
  say("read from yes: %zd bytes: %.4s\n", r, buf);
  close(p[0]);
  int st;
  waitpid(y, &st, 0);
  say("yes after its reader closed: %s\n", status_str(st));
  return 0;
}
