/* memtouch - holds N MiB (argv[1], default 16) of memory, then waits for commands on stdin: the guest of the
 * stored-snapshot bench rows and of test/integration/snapshot-store.test.ts.
 *   argv[2] "random" (default): every word non-repeating; "zero": zero but for one distinct word per MiB
 * It prints "ready CHECKSUM", then reads one command a line:
 *   touch K    rewrites the first K MiB with new non-repeating data and prints "touched CHECKSUM"
 *   sum        prints "sum CHECKSUM"
 * and at end of input prints "end CHECKSUM" and exits. A snapshot taken while it waits must keep every byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t *p;
static size_t words;
static uint32_t seed = 2463534242u;

static uint32_t checksum(void) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < words; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

static void fill(size_t n) {
  uint32_t x = seed;
  for (size_t i = 0; i < n; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; p[i] = x; }
  seed = x;
}

int main(int argc, char **argv) {
  size_t mib = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 16;
  int zero = argc > 2 && strcmp(argv[2], "zero") == 0;
  words = mib * 1024 * 1024 / 4;
  p = calloc(words, 4);
  if (!p) { perror("calloc"); return 1; }
  if (zero) for (size_t m = 0; m < mib; m++) p[m * 262144 + 1000] = (uint32_t)m * 2654435761u + 1;
  else fill(words);
  printf("ready %08x\n", checksum());
  fflush(stdout);
  char line[64];
  while (fgets(line, sizeof line, stdin)) {
    if (strncmp(line, "touch ", 6) == 0) {
      size_t k = (size_t)strtoul(line + 6, NULL, 10);
      if (k > mib) k = mib;
      fill(k * 262144);
      printf("touched %08x\n", checksum());
    } else {
      printf("sum %08x\n", checksum());
    }
    fflush(stdout);
  }
  printf("end %08x\n", checksum());
  return 0;
}
