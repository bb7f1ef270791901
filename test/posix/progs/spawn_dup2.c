/* posix_spawn file action adddup2 (+ addclose): a child's stdout into a pipe the parent reads. */
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
extern char **environ;

int main(void) {
  int p[2];
  if (pipe(p) < 0) return 1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  posix_spawn_file_actions_addclose(&fa, p[0]);
  posix_spawn_file_actions_addclose(&fa, p[1]);
  char *argv[] = { "echo", "through", "the", "pipe", NULL };
  pid_t pid;
  int e = posix_spawnp(&pid, "echo", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  say("spawn: %s\n", en(e));
  close(p[1]);
  char buf[256];
  size_t n = 0;
  ssize_t r;
  while ((r = read(p[0], buf + n, sizeof buf - 1 - n)) > 0) n += (size_t)r;
  buf[n] = 0;
  say("parent read %zu bytes: %s", n, buf);
  say("read at EOF: %zd\n", read(p[0], buf, 1));
  int st;
  say("waitpid is child: %s\n", W(pid, 0));
  /* dup2 onto the same fd twice: the last mapping wins */
  if (pipe(p) < 0) return 1;
  int q[2];
  if (pipe(q) < 0) return 1;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, q[1], 1);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  char *argv2[] = { "echo", "second", NULL };
  e = posix_spawnp(&pid, "echo", &fa, NULL, argv2, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(p[1]);
  close(q[1]);
  waitpid(pid, &st, 0);
  n = 0;
  while ((r = read(p[0], buf + n, sizeof buf - 1 - n)) > 0) n += (size_t)r;
  buf[n] = 0;
  say("spawn %s, last dup2 got: %s", en(e), buf);
  say("first got %zd bytes\n", read(q[0], buf, sizeof buf));
  return 0;
}
