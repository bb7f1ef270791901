/* t_random - @test @desc test: getentropy lengths (0..256 ok, 257 fails with EIO) and that bytes look random */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "common.h"
#ifndef __wasi__
#include <sys/random.h>
#endif

int main(void) {
  static const size_t lens[] = { 0, 1, 16, 255, 256, 257, 1024 };
  unsigned char a[1024], b[1024];
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    int r = getentropy(a, lens[i]);
    printf("getentropy(%zu): %s\n", lens[i], r == 0 ? "ok" : errname(errno));
  }
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  getentropy(a, 256);
  getentropy(b, 256);
  int zeros = 0, seen[256] = {0}, distinct = 0;
  for (int i = 0; i < 256; i++) {
    if (a[i] == 0) zeros++;
    if (!seen[a[i]]++) distinct++;
  }
  printf("two 256-byte draws differ: %s\n", memcmp(a, b, 256) ? "yes" : "no");
  printf("256 bytes not all zero: %s\n", zeros < 256 ? "yes" : "no");
  printf("at least 100 distinct byte values in 256: %s\n", distinct >= 100 ? "yes" : "no");
  return 0;
}
