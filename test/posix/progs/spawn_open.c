/* posix_spawn file action addopen: stdout to a new file, then stdin from it. */
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
extern char **environ;

int main(void) {
  posix_spawn_file_actions_t fa;
  pid_t pid;
  int st;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "spawn_open.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  char *a1[] = { "echo", "written", "by", "a", "child", NULL };
  int e = posix_spawnp(&pid, "echo", &fa, NULL, a1, environ);
  posix_spawn_file_actions_destroy(&fa);
  waitpid(pid, &st, 0);
  say("spawn echo > file: %s, %s\n", en(e), status_str(st));
  int fd = open("spawn_open.out", O_RDONLY);
  char buf[128];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n > 0 ? n : 0] = 0;
  say("file holds: %s", buf);
  /* append */
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "spawn_open.out", O_WRONLY | O_APPEND, 0);
  char *a2[] = { "echo", "appended", NULL };
  e = posix_spawnp(&pid, "echo", &fa, NULL, a2, environ);
  posix_spawn_file_actions_destroy(&fa);
  waitpid(pid, &st, 0);
  /* stdin from the file, stdout to a pipe */
  int p[2];
  pipe(p);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "spawn_open.out", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  posix_spawn_file_actions_addclose(&fa, p[0]);
  posix_spawn_file_actions_addclose(&fa, p[1]);
  char *a3[] = { "wc", "-l", NULL };
  e = posix_spawnp(&pid, "wc", &fa, NULL, a3, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(p[1]);
  n = 0;
  for (ssize_t r; (r = read(p[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0;) n += r;
  buf[n] = 0;
  waitpid(pid, &st, 0);
  say("wc -l < file: %s, %s: %s", en(e), status_str(st), buf);
  /* the opened fd is the child's only: the parent's table is as before */
  say("parent fd 5 after spawns: %s\n", fcntl(5, F_GETFD) < 0 ? en(errno) : "open");
  /* a file that does not exist: the error is posix_spawn's value */
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "no-such-dir/file", O_RDONLY, 0);
  e = posix_spawnp(&pid, "cat", &fa, NULL, a3, environ);
  posix_spawn_file_actions_destroy(&fa);
  say("addopen of a missing file: %s\n", en(e));
  say("no child left: %s\n", waitpid(-1, &st, WNOHANG) < 0 ? en(errno) : "child!");
  unlink("spawn_open.out");
  return 0;
}
