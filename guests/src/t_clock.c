/* t_clock - @test @desc test: clock_getres/clock_gettime on each clock; prints properties (monotonicity, resolution), never values */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include "common.h"

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

static volatile uint64_t sink;
static void burn(void) {
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 20000000; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; }
  sink = x;
}

static void check(const char *name, clockid_t id, int cpu) {
  struct timespec res, a, b;
  if (clock_getres(id, &res) != 0) {
    printf("%s: clock_getres %s\n", name, errname(errno));
  } else {
    printf("%s: resolution > 0: %s, <= 1ms: %s\n", name, ns(res) > 0 ? "yes" : "no",
           ns(res) <= 1000000 ? "yes" : "no");
  }
  if (clock_gettime(id, &a) != 0) {
    printf("%s: clock_gettime %s\n", name, errname(errno));
    return;
  }
  int nondecreasing = 1;
  for (int i = 0; i < 1000; i++) {
    clock_gettime(id, &b);
    if (ns(b) < ns(a)) nondecreasing = 0;
    a = b;
  }
  printf("%s: nsec in range: %s, 1000 reads non-decreasing: %s\n", name,
         a.tv_nsec >= 0 && a.tv_nsec < 1000000000 ? "yes" : "no", nondecreasing ? "yes" : "no");
  if (cpu) {
    clock_gettime(id, &a);
    burn();
    clock_gettime(id, &b);
    printf("%s: advances while computing: %s\n", name, ns(b) > ns(a) ? "yes" : "no");
    clock_gettime(id, &a);
    struct timespec d = { 0, 50000000 };
    nanosleep(&d, NULL);
    clock_gettime(id, &b);
    printf("%s: advances < 40ms during a 50ms sleep: %s\n", name, ns(b) - ns(a) < 40000000 ? "yes" : "no");
  } else {
    clock_gettime(id, &a);
    struct timespec d = { 0, 20000000 };
    nanosleep(&d, NULL);
    clock_gettime(id, &b);
    printf("%s: advances >= 20ms across a 20ms sleep: %s\n", name, ns(b) - ns(a) >= 20000000 ? "yes" : "no");
  }
}

int main(void) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  printf("realtime after 2020-01-01: %s\n", now.tv_sec > 1577836800 ? "yes" : "no");
  printf("time() agrees with realtime within 2s: %s\n",
         (int64_t)time(NULL) - now.tv_sec <= 2 && (int64_t)time(NULL) >= now.tv_sec ? "yes" : "no");
  check("realtime", CLOCK_REALTIME, 0);
  check("monotonic", CLOCK_MONOTONIC, 0);
  check("process_cputime", CLOCK_PROCESS_CPUTIME_ID, 1);
  check("thread_cputime", CLOCK_THREAD_CPUTIME_ID, 1);
  return 0;
}
