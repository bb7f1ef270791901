/* t_proc - @test @desc test (wVisor ABI): a child's ending as its parent sees it (exit codes, signals, traps, abort) */
/* @wasm-flags -D_WASI_EMULATED_SIGNAL -lwasi-emulated-signal */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common.h"
#include "wvisor.h"
#ifdef __wasi__
/* proc_raise is in WASI preview1 but no longer declared by wasi-libc's <wasi/api.h>.
 * WASI numbers HUP..TERM (1..15) as Linux does; they differ from SIGCHLD (16 vs 17) on. */
int32_t wasi_proc_raise(int32_t sig)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")));
#endif

/* The child modes: each ends the process in one way. */
static int child(const char *mode, const char *arg) {
  int n = arg ? atoi(arg) : 0;
  if (strcmp(mode, "exit") == 0) exit(n);
  if (strcmp(mode, "return") == 0) return n;
  if (strcmp(mode, "kill-self") == 0) { wv_kill(wv_getpid(), n); for (;;) sleep(1); }
  if (strcmp(mode, "proc-raise") == 0) {
#ifdef __wasi__
    wasi_proc_raise(n);
#else
    raise(n);
#endif
    return 98;
  }
  if (strcmp(mode, "abort") == 0) abort();
  if (strcmp(mode, "segv") == 0) { volatile uintptr_t a = 0xfffffff0u; return *(volatile int *)a; }
  if (strcmp(mode, "divzero") == 0) { volatile int z = 0, x = 1; return x / z; }
  fprintf(stderr, "t_proc: unknown mode %s\n", mode);
  return 2;
}

static void run(const char *mode, const char *arg) {
  const char *argv[] = { "t_proc", mode, arg, NULL };
  fflush(stdout);
  int pid = wv_spawnv("t_proc", argv);
  if (pid < 0) { printf("%s %s: spawn %s\n", mode, arg ? arg : "", errname(errno)); return; }
  int st = 0;
  int got = wv_waitpid(pid, &st, 0);
  printf("%s %s: ", mode, arg ? arg : "");
  if (got != pid) printf("waitpid returned another pid or failed (%s)\n", errname(errno));
  else if (WV_WIFEXITED(st)) printf("exited %d\n", WV_WEXITSTATUS(st));
  else if (WV_WIFSIGNALED(st)) printf("killed by %s\n", signame(WV_WTERMSIG(st)));
  else printf("status 0x%x\n", st);
}

int main(int argc, char **argv) {
  if (argc >= 2) return child(argv[1], argc > 2 ? argv[2] : NULL);
  run("exit", "0");
  run("exit", "3");
  run("exit", "255");
  run("exit", "256");
  run("return", "7");
  run("kill-self", "15");
  run("kill-self", "9");
  run("kill-self", "10");
  run("proc-raise", "15");
  run("abort", NULL);
  run("segv", NULL);
  run("divzero", NULL);
  int st;
  int r = wv_waitpid(-1, &st, 0);
  printf("waitpid with no children: %d %s\n", r, r < 0 ? errname(errno) : "");
  return 0;
}
