/* t_pipe - @test @desc test (wVisor ABI): pipe EOF when writers close, EPIPE/SIGPIPE when readers close, non-blocking ends */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common.h"
#include "wvisor.h"

static void ending(const char *what, int pid) {
  int st = 0;
  if (wv_waitpid(pid, &st, 0) != pid) { printf("%s: waitpid %s\n", what, errname(errno)); return; }
  if (WV_WIFEXITED(st)) printf("%s: exited %d\n", what, WV_WEXITSTATUS(st));
  else if (WV_WIFSIGNALED(st)) printf("%s: killed by %s\n", what, signame(WV_WTERMSIG(st)));
  else printf("%s: status 0x%x\n", what, st);
}

static int spawn_mapped(const char *mode, int child_fd, int parent_fd) {
  const char *argv[] = { "t_pipe", mode, NULL };
  wv_spawn_fd map[3] = { { 0, 0 }, { 1, 1 }, { 2, 2 } };
  map[child_fd].parent_fd = parent_fd;
  wv_spawn_req r;
  memset(&r, 0, sizeof r);
  r.path = "t_pipe"; r.path_len = 6; r.argv = argv; r.argc = 2;
  r.fds = map; r.nfds = 3; r.pgid = -1;
  fflush(stdout);
  return wv_spawn(&r);
}

/* Child modes. */
static int child(const char *mode) {
  if (strcmp(mode, "writer") == 0) {            /* writes 3 lines to stdout, then exits */
    for (int i = 1; i <= 3; i++) { char b[32]; int n = snprintf(b, sizeof b, "from child %d\n", i); write_all(1, b, (size_t)n); }
    return 0;
  }
  if (strcmp(mode, "write-forever") == 0) {     /* writes until the write fails */
    for (;;) if (write(1, "data\n", 5) < 0) { fprintf(stderr, "t_pipe: write failed: %s\n", errname(errno)); return 3; }
  }
  if (strcmp(mode, "self-epipe") == 0) {        /* writes into its own pipe with no reader */
    int p[2];
    wv_pipe(p);
    close(p[0]);
    write(p[1], "x", 1);
    fprintf(stderr, "t_pipe: survived a write with no reader: %s\n", errname(errno));
    return 4;
  }
  return 2;
}

int main(int argc, char **argv) {
  if (argc > 1) return child(argv[1]);
  char buf[256];
  int p[2];

  /* EOF once the only writer closes */
  wv_pipe(p);
  printf("write 3: %zd\n", write(p[1], "abc", 3));
  close(p[1]);
  printf("read: %zd\n", read(p[0], buf, sizeof buf));
  printf("read after writer closed: %zd\n", read(p[0], buf, sizeof buf));
  close(p[0]);

  /* EOF only when every writer (a dup too) is closed */
  wv_pipe(p);
  int w2 = wv_dup(p[1]);
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  close(p[1]);
  ssize_t n = read(p[0], buf, sizeof buf);
  printf("one of two writers closed, read: %zd %s\n", n, n < 0 ? errname(errno) : "");
  close(w2);
  n = read(p[0], buf, sizeof buf);
  printf("both writers closed, read: %zd\n", n);
  close(p[0]);

  /* a child writes, the parent reads to EOF */
  wv_pipe(p);
  int pid = spawn_mapped("writer", 1, p[1]);
  close(p[1]);
  size_t got = 0;
  while ((n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)n;
  buf[got] = 0;
  printf("from the child, until EOF:\n%s", buf);
  close(p[0]);
  ending("writer child", pid);

  /* readers gone: the writer dies of SIGPIPE (default action) */
  pid = spawn_mapped("self-epipe", 1, 1);
  ending("write to own pipe without reader", pid);
  wv_pipe(p);
  pid = spawn_mapped("write-forever", 1, p[1]);
  close(p[1]);
  read(p[0], buf, 5);
  close(p[0]);
  ending("child writing after parent closed the read end", pid);

  /* non-blocking ends */
  wv_pipe(p);
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  fcntl(p[1], F_SETFL, O_NONBLOCK);
  n = read(p[0], buf, sizeof buf);
  printf("non-blocking read of empty pipe: %zd %s\n", n, n < 0 ? errname(errno) : "");
  size_t total = 0;
  static char big[4096];
  for (;;) {
    n = write(p[1], big, sizeof big);
    if (n < 0) break;
    total += (size_t)n;
    if (total > (64u << 20)) break;
  }
  printf("non-blocking writes fill the pipe, then: %s\n", errname(errno));
  printf("capacity >= 4096 and <= 1 MiB: %s\n", total >= 4096 && total <= (1u << 20) ? "yes" : "no");
  size_t drained = 0;
  while ((n = read(p[0], big, sizeof big)) > 0) drained += (size_t)n;
  printf("drained all that was written: %s\n", drained == total ? "yes" : "no");
  close(p[0]);
  close(p[1]);
  return 0;
}
