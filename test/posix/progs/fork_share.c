/* After fork, parent and child share each open file description: one file offset that both
 * move, one set of status flags; a pipe made before fork joins two forked children (one writes
 * through stdout redirected with dup2, the other reads it on stdin), and the reader sees EOF
 * once every write end is closed; an orphaned grandchild is reaped by init, not by us. */
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

int main(void) {
  int fd = open("shared.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (write(fd, "0123456789", 10) != 10) return 1;
  lseek(fd, 2, SEEK_SET);
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    if (read(fd, &c, 1) != 1) _exit(1);
    say("child read '%c', offset now %ld\n", c, (long)lseek(fd, 0, SEEK_CUR));
    lseek(fd, 7, SEEK_SET);
    fcntl(fd, F_SETFL, O_APPEND);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  say("parent after the child: offset %ld, O_APPEND shared: %d\n", (long)lseek(fd, 0, SEEK_CUR),
      (fcntl(fd, F_GETFL) & O_APPEND) != 0);
  close(fd);
  unlink("shared.txt");

  /* writer | reader */
  int p[2];
  if (pipe(p) < 0) return 1;
  pid_t w = fork();
  if (w == 0) {
    dup2(p[1], 1);
    close(p[0]);
    close(p[1]);
    for (int i = 0; i < 1000; i++) printf("line %d\n", i);
    fflush(stdout);
    _exit(0);
  }
  pid_t r = fork();
  if (r == 0) {
    dup2(p[0], 0);
    close(p[0]);
    close(p[1]);
    char buf[4096];
    long bytes = 0, lines = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
      bytes += n;
      for (ssize_t i = 0; i < n; i++) lines += buf[i] == '\n';
    }
    say("reader: %ld lines, %ld bytes, then %s\n", lines, bytes, n == 0 ? "EOF" : en(errno));
    _exit(0);
  }
  close(p[0]);
  close(p[1]);
  int wst, rst;
  waitpid(w, &wst, 0);
  waitpid(r, &rst, 0);
  say("writer: %s, reader: %s\n", status_str(wst), status_str(rst));

  /* orphan: the middle process exits at once, the grandchild outlives it */
  int q[2];
  if (pipe(q) < 0) return 1;
  pid_t mid = fork();
  if (mid == 0) {
    pid_t g = fork();
    if (g == 0) {
      close(q[0]);
      while (getppid() == mid) usleep(1000);
      if (write(q[1], "orphan adopted\n", 15) != 15) _exit(1);
      _exit(0);
    }
    _exit(9);
  }
  close(q[1]);
  waitpid(mid, &st, 0);
  say("middle: %s\n", status_str(st));
  char buf[32] = {0};
  ssize_t n = read(q[0], buf, sizeof buf - 1);
  say("grandchild says %zd: %s", n, buf);
  say("nothing else to wait for: %s\n", R(wait(&st)));
  return 0;
}
