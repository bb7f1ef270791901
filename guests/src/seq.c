/* seq - @desc prints a sequence of numbers: seq LAST, seq FIRST LAST, seq FIRST INCREMENT LAST */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Digits after the decimal point in a number as written ("1.50" -> 2). */
static int decimals(const char *s) {
  const char *dot = strchr(s, '.');
  if (!dot) return 0;
  int n = 0;
  for (dot++; *dot >= '0' && *dot <= '9'; dot++) n++;
  return n;
}

static int parse(const char *s, double *out) {
  char *end;
  errno = 0;
  *out = strtod(s, &end);
  if (!*s || *end || errno) {
    fprintf(stderr, "seq: invalid floating point argument: '%s'\n", s);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 4) {
    fprintf(stderr, "usage: seq [FIRST [INCREMENT]] LAST\n");
    return 1;
  }
  double first = 1, incr = 1, last;
  int prec = 0;
  if (parse(argv[argc - 1], &last) < 0) return 1;
  if (argc >= 3) {
    if (parse(argv[1], &first) < 0) return 1;
    prec = decimals(argv[1]);
  }
  if (argc == 4) {
    if (parse(argv[2], &incr) < 0) return 1;
    if (decimals(argv[2]) > prec) prec = decimals(argv[2]);
    if (incr == 0) {
      fprintf(stderr, "seq: invalid Zero increment value: '%s'\n", argv[2]);
      return 1;
    }
  }
  /* Integers are counted exactly; decimals are FIRST + i * INCREMENT, as coreutils does. */
  for (unsigned long long i = 0;; i++) {
    double v = first + (double)i * incr;
    if (incr > 0 ? v > last : v < last) break;
    if (prec == 0) printf("%.0f\n", v);
    else printf("%.*f\n", prec, v);
  }
  return fflush(stdout) == 0 ? 0 : 1;
}
