/* counter - @test @desc prints 1..N (default 10), sleeping MS milliseconds (default 100) between lines */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 10;
  long ms = argc > 2 ? strtol(argv[2], NULL, 10) : 100;
  for (long i = 1; i <= n; i++) {
    printf("%ld\n", i);
    if (fflush(stdout) != 0) return 1;
    if (i == n) break;
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
  }
  return 0;
}
