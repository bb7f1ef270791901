/* fork bench guest (built by bench/fork-bench.mjs with `wvisor cc`): touches MiB of memory with
 * non-zero bytes, then ROUNDS times forks a child that exits at once (fork) or execs /bin/true
 * (exec) and waits for it, timing each round with the monotonic clock; prints the median in ms
 * and a checksum of the memory (so it is kept and copied). Usage: fork-guest MiB ROUNDS fork|exec */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  size_t bytes = (size_t)atoi(argv[1]) << 20;
  int rounds = atoi(argv[2]);
  int exec = strcmp(argv[3], "exec") == 0;
  unsigned char *mem = malloc(bytes ? bytes : 1);
  if (!mem) { printf("malloc failed\n"); return 1; }
  for (size_t i = 0; i < bytes; i++) mem[i] = (unsigned char)(i * 2654435761u >> 13) | 1;
  double *ms = malloc(sizeof(double) * (size_t)rounds);
  for (int r = 0; r < rounds; r++) {
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0) { printf("fork failed\n"); return 1; }
    if (pid == 0) {
      if (exec) execl("/bin/true", "true", (char *)0);
      _exit(mem[bytes ? bytes - 1 : 0] == 0);
    }
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) { printf("child failed\n"); return 1; }
    ms[r] = now_ms() - t0;
  }
  qsort(ms, (size_t)rounds, sizeof *ms, cmp);
  unsigned long sum = 0;
  for (size_t i = 0; i < bytes; i += 4096) sum += mem[i];
  printf("median %.3f ms checksum %lu\n", ms[rounds / 2], sum);
  return 0;
}
