/* posix_spawn file action addclose: which fds the child has (it reports on the fd it is given). */
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
extern char **environ;

static int child(int argc, char **argv) {
  /* argv: SELF child OUTFD FD... : reports each FD's state on OUTFD */
  int out = atoi(argv[2]);
  char line[256];
  size_t n = 0;
  for (int i = 3; i < argc; i++) {
    int fd = atoi(argv[i]);
    n += (size_t)snprintf(line + n, sizeof line - n, "%d:%s ", fd, fcntl(fd, F_GETFD) >= 0 ? "open" : en(errno));
  }
  line[n++] = '\n';
  return write(out, line, n) == (ssize_t)n ? 0 : 1;
}

static void run(const char *self, const char *what, posix_spawn_file_actions_t *fa, char *outfd, int rd) {
  char *argv[] = { (char *)self, (char *)self, "child", outfd, "0", "1", "2", NULL };
  pid_t pid;
  int e = posix_spawn(&pid, self, fa, NULL, argv, environ);
  int st = 0;
  if (e == 0) waitpid(pid, &st, 0);
  char buf[256];
  ssize_t n = e == 0 ? read(rd, buf, sizeof buf - 1) : 0;
  buf[n > 0 ? n : 0] = 0;
  say("%s: spawn %s, %s, child saw: %s%s", what, en(e), e ? "-" : status_str(st), buf, n > 0 ? "" : "\n");
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[2], "child") == 0) return child(argc - 1, argv + 1);
  const char *self = argv[1];
  int p[2];
  pipe(p);
  /* the report goes to fd 9 in the child */
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 9);
  run(self, "nothing closed", &fa, "9", p[0]);
  posix_spawn_file_actions_destroy(&fa);

  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 9);
  posix_spawn_file_actions_addclose(&fa, 0);
  run(self, "close 0", &fa, "9", p[0]);
  posix_spawn_file_actions_destroy(&fa);

  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 9);
  posix_spawn_file_actions_addclose(&fa, 0);
  posix_spawn_file_actions_addclose(&fa, 2);
  posix_spawn_file_actions_addclose(&fa, 8); /* not open: ignored, as glibc does */
  run(self, "close 0 2 8", &fa, "9", p[0]);
  posix_spawn_file_actions_destroy(&fa);

  /* close, then dup2 from the closed fd: EBADF as posix_spawn's value */
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 9);
  posix_spawn_file_actions_addclose(&fa, 1);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  run(self, "dup2 from a closed fd", &fa, "9", p[0]);
  posix_spawn_file_actions_destroy(&fa);

  /* out-of-range fds are refused when the action is added */
  posix_spawn_file_actions_init(&fa);
  say("addclose(-1): %s\n", en(posix_spawn_file_actions_addclose(&fa, -1)));
  say("adddup2(1, -1): %s\n", en(posix_spawn_file_actions_adddup2(&fa, 1, -1)));
  say("addopen(-1): %s\n", en(posix_spawn_file_actions_addopen(&fa, -1, "x", O_RDONLY, 0)));
  posix_spawn_file_actions_destroy(&fa);
  return 0;
}
