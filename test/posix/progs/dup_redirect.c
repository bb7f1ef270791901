/* dup, dup2, dup3, fcntl F_DUPFD/F_DUPFD_CLOEXEC/F_GETFD/F_SETFD, pipe2: stdout redirected
 * to a file around a spawned child and restored. */
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
extern char **environ;

int main(void) {
  int fd = open("dup.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int saved = dup(1);
  say("dup gives a new fd: %s\n", saved > 2 && saved != fd ? "yes" : "no");
  if (dup2(fd, 1) != 1) return 1;
  close(fd);
  printf("parent line in the file\n");
  fflush(stdout);
  char *argv[] = { "echo", "child line in the file", NULL };
  pid_t pid;
  int st;
  posix_spawnp(&pid, "echo", NULL, NULL, argv, environ);
  waitpid(pid, &st, 0);
  dup2(saved, 1);
  close(saved);
  say("restored stdout; child %s\n", status_str(st));
  char buf[256];
  fd = open("dup.out", O_RDONLY);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n > 0 ? n : 0] = 0;
  say("the file:\n%s", buf);
  unlink("dup.out");

  say("dup2(1, 1): %d\n", dup2(1, 1));
  say("dup2(57, 1): %s\n", R(dup2(57, 1)));
  say("dup(57): %s\n", R(dup(57)));
  say("dup3(1, 1, 0): %s\n", R(dup3(1, 1, 0)));
  int hi = fcntl(1, F_DUPFD, 20);
  say("F_DUPFD 20: %s, F_GETFD %d\n", hi >= 20 ? ">= 20" : "< 20", fcntl(hi, F_GETFD));
  int hi2 = fcntl(1, F_DUPFD, 20);
  say("again: %s\n", hi2 > hi ? "the next free one" : "?");
  int ce = fcntl(1, F_DUPFD_CLOEXEC, 0), r;
  say("F_DUPFD_CLOEXEC: F_GETFD %d\n", fcntl(ce, F_GETFD));
  r = fcntl(ce, F_SETFD, 0);
  say("F_SETFD 0: %d, F_GETFD %d\n", r, fcntl(ce, F_GETFD));
  r = fcntl(hi, F_SETFD, FD_CLOEXEC);
  say("F_SETFD FD_CLOEXEC: %d, F_GETFD %d\n", r, fcntl(hi, F_GETFD));
  close(hi);
  close(hi2);
  close(ce);
  say("F_GETFD of a closed fd: %s\n", R(fcntl(hi, F_GETFD)));
  say("F_DUPFD -1: %s\n", R(fcntl(1, F_DUPFD, -1)));
  int p[2];
  say("pipe2(O_NONBLOCK): %d\n", pipe2(p, O_NONBLOCK));
  say("read empty: %s\n", R(read(p[0], buf, 1)));
  say("O_NONBLOCK set: %s\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) ? "yes" : "no");
  say("pipe2 bad flags: %s\n", R(pipe2(p, 0x7ff00000 & ~O_NONBLOCK & ~O_CLOEXEC)));
  return 0;
}
