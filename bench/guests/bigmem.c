/* bigmem - holds N MiB (argv[1], default 64) of non-repeating data, prints "ready CHECKSUM", blocks reading stdin,
 * then prints "after CHECKSUM" over the same memory: a snapshot taken while it waits must keep every byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static uint32_t checksum(const uint32_t *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

int main(int argc, char **argv) {
  size_t mib = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 64;
  size_t words = mib * 1024 * 1024 / 4;
  uint32_t *p = malloc(words * 4);
  if (!p) { perror("malloc"); return 1; }
  uint32_t x = 2463534242u;
  for (size_t i = 0; i < words; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; p[i] = x; }
  printf("ready %08x\n", checksum(p, words));
  fflush(stdout);
  char buf[16];
  read(0, buf, sizeof buf);
  printf("after %08x\n", checksum(p, words));
  return 0;
}
