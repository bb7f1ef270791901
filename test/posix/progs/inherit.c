/* Which fds a posix_spawn child inherits: fds 0-2, what file actions name, and an fd
 * whose close-on-exec flag was cleared with F_SETFD 0; FD_CLOEXEC keeps one out. */
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
extern char **environ;

static int child(int argc, char **argv) {
  for (int i = 3; i < argc; i++) {
    int fd = atoi(argv[i]);
    say("  fd %d: %s\n", fd, fcntl(fd, F_GETFD) >= 0 ? "open" : en(errno));
  }
  return 0;
}

static void spawn(const char *self, const char *what) {
  char *argv[] = { (char *)self, (char *)self, "child", "7", "8", NULL };
  pid_t pid;
  int st;
  say("%s:\n", what);
  if (posix_spawn(&pid, self, NULL, NULL, argv, environ) == 0) waitpid(pid, &st, 0);
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[2], "child") == 0) return child(argc, argv);
  if (argc >= 3 && strcmp(argv[2], "write7") == 0) return write(7, "through fd 7\n", 13) == 13 ? 0 : 1;
  const char *self = argv[1];
  int p[2];
  pipe(p);
  dup2(p[1], 7);
  dup2(p[0], 8);
  close(p[0]);
  close(p[1]);
  fcntl(7, F_SETFD, 0);
  fcntl(8, F_SETFD, FD_CLOEXEC);
  spawn(self, "7 cleared, 8 close-on-exec");
  fcntl(7, F_SETFD, FD_CLOEXEC);
  spawn(self, "both close-on-exec");
  fcntl(7, F_SETFD, 0);
  fcntl(8, F_SETFD, 0);
  spawn(self, "both cleared");
  /* the inherited fd works in the child: it writes through it */
  char *wargv[] = { (char *)self, (char *)self, "write7", NULL };
  pid_t pid;
  int st;
  posix_spawn(&pid, self, NULL, NULL, wargv, environ);
  waitpid(pid, &st, 0);
  close(7);
  char buf[128];
  ssize_t n = read(8, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  say("child wrote to fd 7: %s, the pipe got: %s", status_str(st), buf);
  /* closing and reopening an fd number forgets its flag */
  int q[2];
  pipe(q);
  dup2(q[0], 7);
  close(q[0]);
  close(q[1]);
  say("F_GETFD of a re-made fd 7 after F_SETFD 0 on the old one: %d\n", fcntl(7, F_GETFD));
  return 0;
}
