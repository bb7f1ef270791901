/* sleep - @desc pauses for the sum of its arguments in seconds (fractions and s/m/h/d suffixes allowed) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  double total = 0;
  if (argc < 2) {
    fprintf(stderr, "sleep: missing operand\n");
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    char *end;
    double v = strtod(argv[i], &end);
    double mult = 1;
    if (*end == 's') end++;
    else if (*end == 'm') { mult = 60; end++; }
    else if (*end == 'h') { mult = 3600; end++; }
    else if (*end == 'd') { mult = 86400; end++; }
    if (end == argv[i] || *end || v < 0) {
      fprintf(stderr, "sleep: invalid time interval '%s'\n", argv[i]);
      return 1;
    }
    total += v * mult;
  }
  struct timespec ts;
  ts.tv_sec = (time_t)total;
  ts.tv_nsec = (long)((total - (double)ts.tv_sec) * 1e9);
  while (nanosleep(&ts, &ts) != 0) {
    if (errno != EINTR) {
      perror("sleep");
      return 1;
    }
  }
  return 0;
}
