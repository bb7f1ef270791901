/* t_seccomp - @test @desc test (wVisor ABI): seccomp filters: no_new_privs, ERRNO by argument, stacking precedence, inheritance by children, KILL with SIGSYS */
/*
 * The same source runs natively under Linux's seccomp (x86_64 numbers) and
 * under wVisor (its call table), so Linux is the reference for the semantics:
 * filters are installed by the program itself with classic BPF.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common.h"
#include "wvisor.h"

#define LD_ABS(off) { 0x20, 0, 0, (off) }            /* BPF_LD|BPF_W|BPF_ABS */
#define JEQ(k, jt, jf) { 0x15, (jt), (jf), (k) }       /* BPF_JMP|BPF_JEQ|BPF_K */
#define RET(k) { 0x06, 0, 0, (k) }                     /* BPF_RET|BPF_K */
#define OFF_NR 0
#define OFF_ARCH 4
#define OFF_ARG0 16

/* "write(fd) fails with errno err", all else allowed; other arches killed. */
static int deny_write_to(int fd, int err) {
  wv_sock_filter prog[] = {
    LD_ABS(OFF_ARCH),
    JEQ(WV_AUDIT_ARCH, 1, 0),
    RET(WV_SECCOMP_RET_KILL_PROCESS),
    LD_ABS(OFF_NR),
    JEQ(WV_NR_WRITE, 0, 3),
    LD_ABS(OFF_ARG0),
    JEQ((uint32_t)fd, 0, 1),
    RET(WV_SECCOMP_RET_ERRNO | (uint32_t)err),
    RET(WV_SECCOMP_RET_ALLOW),
  };
  return wv_seccomp_filter(0, prog, sizeof prog / sizeof prog[0]);
}

/* "opening a file kills the process". */
static int kill_on_open(void) {
  wv_sock_filter prog[] = {
    LD_ABS(OFF_NR),
    JEQ(WV_NR_OPEN, 0, 1),
    RET(WV_SECCOMP_RET_KILL_PROCESS),
    RET(WV_SECCOMP_RET_ALLOW),
  };
  return wv_seccomp_filter(0, prog, sizeof prog / sizeof prog[0]);
}

static void try_write(const char *what, int fd) {
  ssize_t n = write(fd, "x", 1);
  if (n < 0) printf("%s: -1 %s\n", what, errname(errno));
  else printf("%s: %zd\n", what, n);
}

static int open_scratch(int want) {
  int fd = open("t_seccomp.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return -1;
  if (fd != want) { wv_dup2(fd, want); close(fd); }
  return want;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && strcmp(argv[1], "child") == 0) {
    open_scratch(5);
    try_write("child: write to fd 5 (inherited filter)", 5);
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "opener") == 0) {
    int fd = open("t_seccomp.tmp", O_RDONLY);
    printf("opener: still alive with fd %d (should not happen)\n", fd);
    return 0;
  }
  open_scratch(5);
  open_scratch(6);
  printf("no_new_privs at start: %d\n", wv_get_no_new_privs());
  int r = deny_write_to(5, EACCES);
  printf("install without no_new_privs: %d %s\n", r, r < 0 ? errname(errno) : "");
  printf("set no_new_privs: %d\n", wv_set_no_new_privs());
  printf("no_new_privs now: %d\n", wv_get_no_new_privs());
  wv_sock_filter empty[1];
  r = wv_seccomp_filter(0, empty, 0);
  printf("install an empty program: %d %s\n", r, r < 0 ? errname(errno) : "");
  wv_sock_filter bad[] = { LD_ABS(3), RET(WV_SECCOMP_RET_ALLOW) };
  r = wv_seccomp_filter(0, bad, 2);
  printf("install a misaligned load: %d %s\n", r, r < 0 ? errname(errno) : "");
  printf("install deny write(5) EACCES: %d\n", deny_write_to(5, EACCES));
  try_write("write to fd 5", 5);
  try_write("write to fd 6", 6);
  /* Stacking: a newer ERRNO filter for the same call; equal actions, the newest filter's data wins. */
  printf("install deny write(5) EPERM: %d\n", deny_write_to(5, EPERM));
  try_write("write to fd 5 after stacking", 5);
  printf("install deny write(6) EIO: %d\n", deny_write_to(6, EIO));
  try_write("write to fd 6 after stacking", 6);

  const char *child[] = { argv[0], "child", NULL };
  int pid = wv_spawnv(argv[0], child);
  int st = 0;
  wv_waitpid(pid, &st, 0);
  printf("child: %s %d\n", WV_WIFEXITED(st) ? "exited" : "killed by", WV_WIFEXITED(st) ? WV_WEXITSTATUS(st) : WV_WTERMSIG(st));

  printf("install kill on open: %d\n", kill_on_open());
  const char *opener[] = { argv[0], "opener", NULL };
  pid = wv_spawnv(argv[0], opener);
  wv_waitpid(pid, &st, 0);
  printf("opener: %s %s\n", WV_WIFEXITED(st) ? "exited" : "killed by", WV_WIFEXITED(st) ? "" : signame(WV_WTERMSIG(st)));
  unlink("t_seccomp.tmp");
  return 0;
}
