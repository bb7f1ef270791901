/* head - @desc prints the first lines (-n N, default 10) or bytes (-c N) of files or stdin */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common.h"

static char buf[65536];

/* Copies the first `limit` lines (or bytes) of fd to stdout. Returns 0 or an errno (-1: write error). */
static int head(int fd, unsigned long long limit, int bytes) {
  while (limit > 0) {
    size_t want = sizeof buf;
    if (bytes && limit < want) want = (size_t)limit;
    ssize_t n = read(fd, buf, want);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    size_t out = (size_t)n;
    if (bytes) {
      limit -= out;
    } else {
      for (size_t i = 0; i < (size_t)n; i++) {
        if (buf[i] == '\n' && --limit == 0) { out = i + 1; break; }
      }
    }
    if (write_all(1, buf, out) < 0) return -1;
  }
  return 0;
}

static int parse_count(const char *s, unsigned long long *out) {
  char *end;
  if (!s || !*s || *s == '-') return -1;
  errno = 0;
  *out = strtoull(s, &end, 10);
  return errno || *end ? -1 : 0;
}

int main(int argc, char **argv) {
  unsigned long long limit = 10;
  int bytes = 0, i = 1, status = 0;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    const char *opt = argv[i];
    if (strcmp(opt, "--") == 0) { i++; break; }
    if (opt[1] != 'n' && opt[1] != 'c') {
      fprintf(stderr, "head: invalid option -- '%c'\n", opt[1]);
      return 1;
    }
    bytes = opt[1] == 'c';
    const char *val = opt[2] ? opt + 2 : (i + 1 < argc ? argv[++i] : NULL);
    if (parse_count(val, &limit) < 0) {
      fprintf(stderr, "head: invalid number of %s: '%s'\n", bytes ? "bytes" : "lines", val ? val : "");
      return 1;
    }
  }
  int nfiles = argc - i;
  for (int f = 0; f < (nfiles ? nfiles : 1); f++) {
    const char *name = nfiles ? argv[i + f] : "-";
    int fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY);
    if (fd < 0) {
      fprintf(stderr, "head: cannot open '%s' for reading: %s\n", name, strerror(errno));
      status = 1;
      continue;
    }
    if (nfiles > 1) {
      char hdr[4200];
      int n = snprintf(hdr, sizeof hdr, "%s==> %s <==\n", f ? "\n" : "",
                       strcmp(name, "-") == 0 ? "standard input" : name);
      if (write_all(1, hdr, (size_t)n) < 0) return 1;
    }
    int e = head(fd, limit, bytes);
    if (fd != 0) close(fd);
    if (e < 0) return 1;
    if (e) {
      fprintf(stderr, "head: error reading '%s': %s\n", name, strerror(e));
      status = 1;
    }
  }
  return status;
}
