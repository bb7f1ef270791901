/*
 * pipeline - `yes | head -c BYTES | wc -c` as three wVisor tasks joined by
 * pipes (wv_spawn with fd maps), timed from the first spawn to the last reap.
 *
 *   pipeline BYTES
 *
 * wc's count goes to our stdout (so the caller can check that every byte
 * arrived); one line "pipeline BYTES ELAPSED_NS" goes to stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>
#include "wvisor.h"

static int spawn(const char *const *argv, int in, int out) {
  wv_spawn_fd map[3] = { { 0, in }, { 1, out }, { 2, 2 } };
  wv_spawn_req r;
  uint32_t argc = 0;
  while (argv[argc]) argc++;
  memset(&r, 0, sizeof r);
  r.path = argv[0];
  r.path_len = (uint32_t)strlen(argv[0]);
  r.argv = argv;
  r.argc = argc;
  r.fds = map;
  r.nfds = 3;
  r.pgid = -1;
  return wv_spawn(&r);
}

static uint64_t now(void) {
  __wasi_timestamp_t t = 0;
  (void)!__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: pipeline BYTES\n"); return 2; }
  const char *bytes = argv[1];
  int p1[2], p2[2];
  const char *yes[] = { "yes", NULL };
  const char *head[] = { "head", "-c", bytes, NULL };
  const char *wc[] = { "wc", "-c", NULL };
  uint64_t t0 = now();
  if (wv_pipe(p1) < 0 || wv_pipe(p2) < 0) { perror("pipeline: pipe"); return 1; }
  int a = spawn(yes, 0, p1[1]);
  int b = spawn(head, p1[0], p2[1]);
  int c = spawn(wc, p2[0], 1);
  if (a < 0 || b < 0 || c < 0) { perror("pipeline: spawn"); return 1; }
  close(p1[0]); close(p1[1]); close(p2[0]); close(p2[1]);
  int st, bad = 0;
  /* head exits after BYTES; yes then gets EPIPE/SIGPIPE; wc sees EOF. */
  for (int i = 0; i < 3; i++) {
    int pid = wv_waitpid(-1, &st, 0);
    if (pid < 0) { perror("pipeline: waitpid"); return 1; }
    if (pid != a && !(WV_WIFEXITED(st) && WV_WEXITSTATUS(st) == 0)) bad = 1;
  }
  uint64_t t1 = now();
  fprintf(stderr, "pipeline %s %llu\n", bytes, (unsigned long long)(t1 - t0));
  return bad;
}
