/* t_fd - @test @desc test (wVisor ABI): fcntl flags and O_NONBLOCK, dup, dup2, fd_renumber-style moves, isatty */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "common.h"
#include "wvisor.h"
#ifdef __wasi__
#include <wasi/api.h>
#endif

/* Moves fd `from` onto `to` and closes `from`: WASI's fd_renumber; dup2 + close natively. */
static int renumber(int from, int to) {
#ifdef __wasi__
  int e = __wasi_fd_renumber((__wasi_fd_t)from, (__wasi_fd_t)to);
  if (e) { errno = e; return -1; }
  return 0;
#else
  if (fcntl(from, F_GETFD) < 0) return -1;
  if (dup2(from, to) < 0) return -1;
  if (from != to) close(from);
  return 0;
#endif
}

static void res(const char *what, int r) {
  if (r < 0) printf("%s: %s\n", what, errname(errno));
  else printf("%s: ok\n", what);
}

static void show_offset(const char *what, int fd) {
  off_t o = lseek(fd, 0, SEEK_CUR);
  if (o < 0) printf("%s: %s\n", what, errname(errno));
  else printf("%s: %lld\n", what, (long long)o);
}

int main(void) {
  char buf[64];
  int fd = open("t_fd.tmp", O_CREAT | O_RDWR | O_TRUNC, 0644);
  res("open", fd);

  /* fcntl */
  int fl = fcntl(fd, F_GETFL);
  printf("F_GETFL access mode O_RDWR: %s\n", (fl & O_ACCMODE) == O_RDWR ? "yes" : "no");
  printf("F_GETFL O_NONBLOCK initially: %s\n", fl & O_NONBLOCK ? "yes" : "no");
  res("F_SETFL O_NONBLOCK", fcntl(fd, F_SETFL, fl | O_NONBLOCK));
  printf("F_GETFL O_NONBLOCK after set: %s\n", fcntl(fd, F_GETFL) & O_NONBLOCK ? "yes" : "no");
  res("F_SETFL clear", fcntl(fd, F_SETFL, fl & ~O_NONBLOCK));
  printf("F_GETFL O_NONBLOCK after clear: %s\n", fcntl(fd, F_GETFL) & O_NONBLOCK ? "yes" : "no");
  res("F_SETFL O_APPEND", fcntl(fd, F_SETFL, fl | O_APPEND));
  printf("F_GETFL O_APPEND after set: %s\n", fcntl(fd, F_GETFL) & O_APPEND ? "yes" : "no");
  fcntl(fd, F_SETFL, fl);
  res("fcntl F_GETFL on closed fd", fcntl(999, F_GETFL));
  int ro = open("t_fd.tmp", O_RDONLY);
  printf("F_GETFL of O_RDONLY fd is O_RDONLY: %s\n", (fcntl(ro, F_GETFL) & O_ACCMODE) == O_RDONLY ? "yes" : "no");

  /* dup shares the open file description (offset) */
  write(fd, "0123456789", 10);
  int d = wv_dup(fd);
  res("dup", d);
  printf("dup gives a new fd: %s\n", d >= 0 && d != fd ? "yes" : "no");
  printf("dup gives the lowest free fd (> ro): %s\n", d == ro + 1 ? "yes" : "no");
  show_offset("dup offset", d);
  lseek(d, 2, SEEK_SET);
  show_offset("original offset after seeking the dup", fd);
  res("close dup", close(d));
  show_offset("original still open", fd);
  res("dup closed fd", wv_dup(999));

  /* dup2 */
  int r = wv_dup2(fd, 20);
  printf("dup2 to 20 returns 20: %s\n", r == 20 ? "yes" : "no");
  show_offset("dup2 target offset", 20);
  lseek(20, 5, SEEK_SET);
  show_offset("original offset after seeking the dup2 target", fd);
  printf("dup2 onto itself returns it: %s\n", wv_dup2(fd, fd) == fd ? "yes" : "no");
  res("dup2 from closed fd", wv_dup2(999, 21));
  res("dup2 from closed fd leaves target closed", fcntl(21, F_GETFL));
  res("dup2 replaces an open fd", wv_dup2(ro, 20));
  printf("dup2 target now read-only: %s\n", (fcntl(20, F_GETFL) & O_ACCMODE) == O_RDONLY ? "yes" : "no");
  close(20);

  /* renumber (WASI fd_renumber): the target must exist under WASI, so open one first */
  int a = open("t_fd.tmp", O_RDONLY);
  int b = open("t_fd.tmp", O_RDWR);
  lseek(b, 7, SEEK_SET);
  res("renumber b onto a", renumber(b, a));
  show_offset("a after renumber has b's offset", a);
  res("b closed after renumber", fcntl(b, F_GETFL));
  res("renumber from closed fd", renumber(b, a));

  /* isatty: the harness gives files and pipes, never a terminal */
  for (int i = 0; i < 3; i++) {
    errno = 0;
    int t = isatty(i);
    printf("isatty(%d): %d %s\n", i, t, t ? "" : errname(errno));
  }
  errno = 0;
  int t = isatty(fd);
  printf("isatty(file): %d %s\n", t, errname(errno));
  errno = 0;
  t = isatty(999);
  printf("isatty(closed): %d %s\n", t, errname(errno));
  errno = 0;
  t = wv_isatty(fd);
  printf("wv_isatty(file): %d %s\n", t, errname(errno));
  errno = 0;
  t = wv_isatty(999);
  printf("wv_isatty(closed): %d %s\n", t, errname(errno));

  /* read back through the fds */
  lseek(fd, 0, SEEK_SET);
  ssize_t n = read(fd, buf, sizeof buf);
  printf("file contents: %.*s\n", (int)(n > 0 ? n : 0), buf);
  close(fd); close(ro); close(a);
  res("unlink", unlink("t_fd.tmp"));
  return 0;
}
