/* Close-on-exec is a flag of each fd that exec acts on: O_CLOEXEC opens, pipe2(O_CLOEXEC),
 * dup3(O_CLOEXEC), F_DUPFD_CLOEXEC and F_SETFD set it, dup and dup2 clear it on the new fd;
 * after exec only the fds without it are open (the exec'd program looks at each). */
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

static const int fds[] = { 10, 11, 12, 13, 14, 15, 16, 17, 18 };
#define NFDS (int)(sizeof fds / sizeof fds[0])

static void report(const char *who) {
  say("%s:", who);
  for (int i = 0; i < NFDS; i++) {
    int f = fcntl(fds[i], F_GETFD);
    say(" %d=%s", fds[i], f < 0 ? en(errno) : f & FD_CLOEXEC ? "cloexec" : "open");
  }
  say("\n");
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[2], "child") == 0) {
    report("after exec");
    /* an inherited pipe end still works */
    return write(14, "via inherited fd\n", 17) == 17 ? 0 : 1;
  }
  int a = open("data.txt", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int b = open("data.txt", O_RDONLY);
  dup2(a, 10);                      /* dup2: no cloexec */
  dup2(b, 11);
  fcntl(11, F_SETFD, FD_CLOEXEC);   /* set */
  int p[2];
  pipe2(p, O_CLOEXEC);
  dup3(p[0], 12, O_CLOEXEC);
  dup2(p[1], 14);
  int q[2];
  pipe(q);
  dup2(q[0], 13);
  fcntl(13, F_SETFD, FD_CLOEXEC);
  fcntl(13, F_SETFD, 0);            /* cleared again */
  int d = fcntl(a, F_DUPFD_CLOEXEC, 15);
  say("F_DUPFD_CLOEXEC from 15: %d\n", d);
  int e = fcntl(a, F_DUPFD, 16);
  say("F_DUPFD from 16: %d, original O_CLOEXEC fd: %s\n", e, fcntl(a, F_GETFD) & FD_CLOEXEC ? "cloexec" : "open");
  dup2(a, 17);
  dup3(a, 18, O_CLOEXEC);
  say("dup3 to itself: %s, with bad flags: %s\n", R(dup3(18, 18, 0)), R(dup3(a, 18, 12345)));
  say("pipe2 with bad flags: %s\n", R(pipe2(q, 12345)));
  close(a); close(b); close(p[0]); close(p[1]); close(q[0]); close(q[1]);
  report("before exec");
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    report("forked child");
    char *args[] = { argv[1], argv[1], "child", NULL };
    execv(argv[1], args);
    _exit(127);
  }
  close(14);
  int st;
  waitpid(pid, &st, 0);
  char buf[64] = {0};
  ssize_t n = read(12, buf, sizeof buf - 1);
  say("parent read %zd bytes: %s", n, buf);
  say("child: %s\n", status_str(st));
  unlink("data.txt");
  return 0;
}
