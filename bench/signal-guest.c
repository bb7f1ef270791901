/* Signal delivery latency (bench/signal-bench.mjs): the parent stamps CLOCK_REALTIME and sends
 * SIGUSR1 to a child that is blocked in a pipe read ("blocked") or spinning without calls
 * ("computing"); the child's handler stamps the clock and sends the difference back. Prints
 * "p50 X p99 Y" in microseconds. Usage: signal-guest SELF blocked|computing ROUNDS (SELF: this
 * program's path, to start the child). Mode "write N": N 1-byte writes to /dev/null, ns per call. */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
extern char **environ;

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static volatile sig_atomic_t hit;
static int out_fd = 1;
static void h(int s) {
  (void)s;
  long long t = now_ns();
  write(out_fd, &t, sizeof t);
  hit = 1;
}

static int cmp(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

static int child(const char *mode) {
  signal(SIGUSR1, h);
  char c = 'r';
  write(1, &c, 1);
  if (strcmp(mode, "blocked") == 0) {
    int p[2];
    pipe(p);
    for (;;) read(p[0], &c, 1); /* never written: every handler interrupts it (SA_RESTART) */
  }
  volatile unsigned long spins = 0;
  for (;;) spins++;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "write") == 0) {
    int fd = open("/dev/null", O_WRONLY);
    long n = atol(argv[2]);
    long long t0 = now_ns();
    for (long i = 0; i < n; i++) write(fd, "x", 1);
    printf("ns %.1f\n", (double)(now_ns() - t0) / n);
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "child") == 0) return child(argv[2]);
  if (argc < 4) { fprintf(stderr, "usage: signal-guest SELF blocked|computing ROUNDS\n"); return 2; }
  const char *self = argv[1];
  const char *mode = argv[2];
  int rounds = atoi(argv[3]);
  int p[2];
  pipe(p);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  char *cargv[] = { (char *)self, "child", (char *)mode, NULL };
  pid_t pid;
  int e = posix_spawn(&pid, self, &fa, NULL, cargv, environ);
  if (e != 0) { fprintf(stderr, "spawn %s: %s\n", self, strerror(e)); return 1; }
  close(p[1]);
  char c;
  read(p[0], &c, 1);
  long long *d = malloc(sizeof(long long) * rounds);
  for (int i = 0; i < rounds; i++) {
    struct timespec gap = { 0, 2000000 };
    nanosleep(&gap, NULL);
    long long t0 = now_ns(), t1;
    kill(pid, SIGUSR1);
    if (read(p[0], &t1, sizeof t1) != sizeof t1) { fprintf(stderr, "short read\n"); return 1; }
    d[i] = t1 - t0;
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  qsort(d, rounds, sizeof *d, cmp);
  printf("p50 %.1f p99 %.1f\n", d[rounds / 2] / 1000.0, d[(rounds * 99) / 100] / 1000.0);
  return 0;
}
