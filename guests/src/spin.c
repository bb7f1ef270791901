/* spin - @test @desc a CPU-bound loop with no system calls: spin N iterations (no N: forever), then prints a checksum */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 0;
  int forever = argc < 2;
  uint64_t x = 0x9E3779B97F4A7C15ull, sum = 0;
  /* xorshift64: each step depends on the previous one, so the compiler cannot fold the loop. */
  for (uint64_t i = 0; forever || i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    sum += x >> 32;
  }
  printf("spin %llu: checksum %016llx\n", (unsigned long long)n, (unsigned long long)sum);
  return 0;
}
